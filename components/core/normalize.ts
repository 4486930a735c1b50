import type { WorkloadFields } from "./workload-fields";
import { fileModeDeniesProblem } from "./file-access";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./names";
import { quantityBytes } from "./quantity";
import { normalizePodLabels, normalizePodSettings, POD_SETTING_FIELDS, type PodSettings } from "./pod-settings";
import {
  FETCH_CONTAINER_NAME,
  normalizeContainers,
  unsignalledContainerProblem,
  type NormalizedContainer,
} from "./containers";
import { Problems } from "./problems";
import { normalizeSecretSet, type SecretSetDeclaration } from "./secret-set";
import {
  chosenPlatform,
  VAULT_FIELD,
  DEFAULT_NAMESPACE,
  normalizeFsGroup,
  RESERVED_NAMESPACES,
  type MountTarget,
  type PlatformChoice,
} from "./target";
import { check, unknownFields } from "./unknown-fields";
import { normalizeSecretEnv } from "./secret-env";
import type { KubeletEnvFileSpec } from "../../spec/fetch-spec";

/**
 * SecretMountedWorkload's declaration: the secret set (secret-set.ts), the mount target (target.ts),
 * the app containers (containers.ts) and the pod settings (pod-settings.ts), checked together.
 */

/** A validated, defaulted SecretMountedWorkload declaration: plain data, no resources. */
export interface Declaration extends MountTarget {
  createNamespace: boolean;
  /** Name of the workload object (also the target's `workloadName`). */
  deploymentName: string;
  replicas: number;
  labels: { [key: string]: string };
  containers: NormalizedContainer[];
  /** SecretMountedWorkload: annotations, scheduling, pull secrets, priority and grace period of its pods. */
  podSettings?: PodSettings;
  /** The env file the containers' `secretEnv` read (fileKeyRef), when any container declares one. */
  kubeletEnvFile?: KubeletEnvFileSpec;
}

const TOP_LEVEL_FIELDS: (keyof WorkloadFields)[] = [
  "secrets",
  "containers",
  "container",
  "namespace",
  "createNamespace",
  "serviceAccountName",
  "deploymentName",
  "kind",
  "replicas",
  "serviceName",
  "schedule",
  "backoffLimit",
  "labels",
  "mountPath",
  "volumeSizeLimit",
  "fileMode",
  "fsGroup",
  "refresh",
  "envFile",
  "fetch",
  "secretNamePrefix",
  ...POD_SETTING_FIELDS,
];
/**
 * Validates and defaults a declaration. Throws one DeclarationError holding every problem found,
 * each naming the field and the fix (independent parts are checked in sections, see Problems).
 */
export function normalizeWorkload(
  name: string,
  args: WorkloadFields | undefined,
  platforms: PlatformChoice,
): Declaration {
  const problems = new Problems(name);
  const { fail } = problems;
  if (!args || typeof args !== "object")
    fail("args", "are required: declare at least `secrets`, `containers` (or `container`) and one platform");
  const a = args as WorkloadFields;
  unknownFields(a as object, [...TOP_LEVEL_FIELDS, ...platforms.names, VAULT_FIELD], "", problems);

  const platform = chosenPlatform(a, platforms, problems.add, true);

  const deploymentName = a.deploymentName ?? name;
  const dnsField =
    a.deploymentName === undefined ? "name (the component name, used as the Deployment name)" : "deploymentName";
  problems.section(() => check(dns1123SubdomainProblem(deploymentName), dnsField, problems));
  const serviceAccountName = a.serviceAccountName ?? name;
  problems.section(() =>
    check(
      dns1123SubdomainProblem(serviceAccountName),
      a.serviceAccountName === undefined
        ? "name (the component name, used as the ServiceAccount name)"
        : "serviceAccountName",
      problems,
    ),
  );
  const namespace = a.namespace ?? DEFAULT_NAMESPACE;
  problems.section(() => {
    check(dns1123LabelProblem(namespace), "namespace", problems);
    if (RESERVED_NAMESPACES.includes(namespace))
      fail("namespace", `"${namespace}" belongs to the cluster itself; deploy the workload into its own namespace`);
  });

  const replicas = a.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0)
    problems.add("replicas", `is ${JSON.stringify(replicas)}; use a whole number ≥ 0`);

  const checkedSet = problems.section(() => normalizeSecretSet(name, a, problems));
  const fsGroup = normalizeFsGroup(a.fsGroup, problems.add);

  if (a.volumeSizeLimit !== undefined && quantityBytes(a.volumeSizeLimit) === undefined) {
    problems.add("volumeSizeLimit", `"${a.volumeSizeLimit}" is not a Kubernetes quantity; use e.g. "1Mi" or "512Ki"`);
  }

  const labels = problems.section(() => normalizePodLabels(a.labels, platforms.identityPrefixes, problems));

  const apps = normalizeContainers(a, problems);
  // Pod settings name containers (an AppArmor annotation): the names as written, whether or not each container passed.
  const podSettings = problems.section(() =>
    normalizePodSettings(
      a,
      [FETCH_CONTAINER_NAME, ...apps.written],
      platforms.identityPrefixes,
      unknownFields,
      problems,
    ),
  );
  // What follows relates the secrets to the containers: it needs both right.
  problems.stopIfAny();
  const set = checkedSet as SecretSetDeclaration;
  const { fileMode, secrets } = set;
  const containers = apps.checked as NormalizedContainer[];

  // A signal reaches only processes of the fetcher's own UID: the restricted standard forbids CAP_KILL.
  if (set.refresh?.notify?.signal) check(unsignalledContainerProblem(containers), "refresh.notify.signal", problems);

  // Every app container must be able to read every file: check the default mode and each file's own.
  check(fileModeDeniesProblem(fileMode, containers, fsGroup), "fileMode", problems);
  for (const s of secrets)
    s.files.forEach(
      (f, j) =>
        f.mode !== undefined &&
        check(fileModeDeniesProblem(f.mode, containers, fsGroup), `secrets[${s.index}].files[${j}].mode`, problems),
    );
  // secretEnv: each variable resolved to a declared file, names and known values checked.
  const kubeletEnvFile = problems.section(() => normalizeSecretEnv(containers, set, fail));
  problems.throwIfAny();

  return {
    ...set,
    platform,
    namespace,
    createNamespace: a.createNamespace ?? false,
    serviceAccountName,
    deploymentName,
    workloadName: deploymentName,
    replicas,
    labels: labels as Declaration["labels"],
    volumeSizeLimit: a.volumeSizeLimit,
    fsGroup,
    containers,
    containerNames: containers.map((c) => c.name),
    podSettings,
    ...(kubeletEnvFile ? { kubeletEnvFile } : {}),
  };
}
