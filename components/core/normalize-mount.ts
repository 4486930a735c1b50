import type { MountFields } from "./mount-fields";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./names";
import { Problems } from "./problems";
import { quantityBytes } from "./quantity";
import { normalizeSecretSet } from "./secret-set";
import {
  chosenPlatform,
  VAULT_FIELD,
  DEFAULT_NAMESPACE,
  normalizeFsGroup,
  RESERVED_NAMESPACES,
  type MountTarget,
  type PlatformChoice,
} from "./target";
import { unknownFields } from "./unknown-fields";

const FIELDS: (keyof MountFields)[] = [
  "secrets",
  "namespace",
  "serviceAccountName",
  "createServiceAccount",
  "mountInto",
  "mountPath",
  "volumeSizeLimit",
  "fileMode",
  "fsGroup",
  "allowPersistentVolumeGroupChange",
  "refresh",
  "envFile",
  "fetch",
  "secretNamePrefix",
];

/** A SecretMount declaration: the mount target and what adoption needs; the containers come with each adopted pod. */
export interface MountDeclaration extends MountTarget {
  createServiceAccount: boolean;
  mountInto?: string[];
  allowPersistentVolumeGroupChange: boolean;
}

/**
 * Validates and defaults SecretMount args into the target the platforms plan from: no containers
 * (file modes are checked against each adopted pod's containers), the ServiceAccount name naming
 * the mount in descriptions.
 */
export function normalizeMountTarget(
  name: string,
  args: MountFields | undefined,
  platforms: PlatformChoice,
): MountDeclaration {
  const problems = new Problems(name);
  const { fail } = problems;
  if (!args || typeof args !== "object") fail("args", "are required: declare at least `secrets` and one platform");
  const a = args as MountFields;
  unknownFields(a as object, [...FIELDS, ...platforms.names, VAULT_FIELD], "", problems);
  const platform = chosenPlatform(a, platforms, fail, false);
  const serviceAccountName = a.serviceAccountName ?? name;
  const saProblem = dns1123SubdomainProblem(serviceAccountName);
  if (saProblem)
    fail(
      a.serviceAccountName === undefined
        ? "name (the component name, used as the ServiceAccount name)"
        : "serviceAccountName",
      saProblem,
    );
  if (serviceAccountName === "default") {
    fail(
      a.serviceAccountName === undefined
        ? "name (the component name, used as the ServiceAccount name)"
        : "serviceAccountName",
      'is "default", the ServiceAccount of every pod in the namespace that names none: each of them would get the secrets\' identity; ' +
        "give the adopted workloads a ServiceAccount of their own (e.g. the chart's serviceAccount.create and serviceAccount.name values) and name it here",
    );
  }
  const namespace = a.namespace ?? DEFAULT_NAMESPACE;
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem) fail("namespace", nsProblem);
  if (RESERVED_NAMESPACES.includes(namespace))
    fail("namespace", `"${namespace}" belongs to the cluster itself; adopt workloads in their own namespace`);
  if (a.allowPersistentVolumeGroupChange !== undefined && typeof a.allowPersistentVolumeGroupChange !== "boolean") {
    fail(
      "allowPersistentVolumeGroupChange",
      `is ${JSON.stringify(a.allowPersistentVolumeGroupChange)}; use true or false`,
    );
  }
  const fsGroup = normalizeFsGroup(a.fsGroup, fail);
  if (a.volumeSizeLimit !== undefined && quantityBytes(a.volumeSizeLimit) === undefined) {
    fail("volumeSizeLimit", `"${a.volumeSizeLimit}" is not a Kubernetes quantity; use e.g. "1Mi" or "512Ki"`);
  }
  if (a.mountInto !== undefined) {
    if (!Array.isArray(a.mountInto) || a.mountInto.length === 0)
      fail("mountInto", "must name at least one container, or be omitted to mount into every container");
    a.mountInto.forEach((c, i) => {
      const p = dns1123LabelProblem(c);
      if (p) fail(`mountInto[${i}]`, p);
    });
  }
  const set = normalizeSecretSet(name, a, problems);
  if (set.refresh?.notify?.signal) {
    fail(
      "refresh.notify.signal",
      "needs a shared process namespace and every app container at the fetcher's UID, which SecretMount cannot see or set on pods declared elsewhere; " +
        "notify with http or generationFile instead, or declare the workload with SecretMountedWorkload",
    );
  }
  problems.throwIfAny();
  return {
    ...set,
    platform,
    namespace,
    serviceAccountName,
    workloadName: serviceAccountName,
    volumeSizeLimit: a.volumeSizeLimit,
    fsGroup,
    createServiceAccount: a.createServiceAccount ?? true,
    mountInto: a.mountInto ? [...a.mountInto] : undefined,
    allowPersistentVolumeGroupChange: a.allowPersistentVolumeGroupChange ?? false,
  };
}
