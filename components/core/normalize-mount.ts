import type { SecretMountArgs } from "../mount-args";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./names";
import { DEFAULT_FS_GROUP, DEFAULT_NAMESPACE, PLATFORMS, RESERVED_NAMESPACES, choosePlatform, normalizeSecretSet, unknownFields, type Declaration } from "./normalize";
import { quantityBytes } from "./quantity";
import { Problems } from "./problems";

const FIELDS: (keyof SecretMountArgs)[] = [
  "secrets", "namespace", "serviceAccountName", "createServiceAccount", "mountInto", "mountPath", "volumeSizeLimit", "fileMode",
  "fsGroup", "allowPersistentVolumeGroupChange", "refresh", "envFile", "fetch", "secretNamePrefix", ...PLATFORMS, "vault",
];

/** A SecretMount declaration: the workload's, with no containers of its own (those come with each adopted pod). */
export interface MountDeclaration extends Declaration {
  createServiceAccount: boolean;
  mountInto?: string[];
  allowPersistentVolumeGroupChange: boolean;
}

/**
 * Validates and defaults SecretMount args into the Declaration the platforms plan from: no
 * containers (file modes are checked against each adopted pod's containers), the ServiceAccount
 * name standing in for the workload name in descriptions.
 */
export function normalizeMount(name: string, args: SecretMountArgs | undefined): MountDeclaration {
  const problems = new Problems(name);
  const { fail } = problems;
  if (!args || typeof args !== "object") fail("args", "are required: declare at least `secrets` and one platform");
  const a = args as SecretMountArgs;
  unknownFields(a as object, FIELDS, "", problems);
  const platform = choosePlatform(a, problems.add);
  const serviceAccountName = a.serviceAccountName ?? name;
  const saProblem = dns1123SubdomainProblem(serviceAccountName);
  if (saProblem) fail(a.serviceAccountName === undefined ? "name (the component name, used as the ServiceAccount name)" : "serviceAccountName", saProblem);
  if (serviceAccountName === "default") {
    fail(a.serviceAccountName === undefined ? "name (the component name, used as the ServiceAccount name)" : "serviceAccountName",
      "is \"default\", the ServiceAccount of every pod in the namespace that names none: each of them would get the secrets' identity; " +
      "give the adopted workloads a ServiceAccount of their own (e.g. the chart's serviceAccount.create and serviceAccount.name values) and name it here");
  }
  const namespace = a.namespace ?? DEFAULT_NAMESPACE;
  const nsProblem = dns1123LabelProblem(namespace);
  if (nsProblem) fail("namespace", nsProblem);
  if (RESERVED_NAMESPACES.includes(namespace)) fail("namespace", `"${namespace}" belongs to the cluster itself; adopt workloads in their own namespace`);
  if (a.allowPersistentVolumeGroupChange !== undefined && typeof a.allowPersistentVolumeGroupChange !== "boolean") {
    fail("allowPersistentVolumeGroupChange", `is ${JSON.stringify(a.allowPersistentVolumeGroupChange)}; use true or false`);
  }
  const fsGroup = a.fsGroup ?? DEFAULT_FS_GROUP;
  if (!Number.isInteger(fsGroup) || fsGroup < 1 || fsGroup > 2147483647) fail("fsGroup", `is ${JSON.stringify(fsGroup)}; use a non-zero GID such as ${DEFAULT_FS_GROUP}`);
  if (a.volumeSizeLimit !== undefined && quantityBytes(a.volumeSizeLimit) === undefined) {
    fail("volumeSizeLimit", `"${a.volumeSizeLimit}" is not a Kubernetes quantity; use e.g. "1Mi" or "512Ki"`);
  }
  if (a.mountInto !== undefined) {
    if (!Array.isArray(a.mountInto) || a.mountInto.length === 0) fail("mountInto", "must name at least one container, or be omitted to mount into every container");
    a.mountInto.forEach((c, i) => {
      const p = dns1123LabelProblem(c);
      if (p) fail(`mountInto[${i}]`, p);
    });
  }
  const set = normalizeSecretSet(name, a, problems);
  if (set.refresh?.notify?.signal) {
    fail("refresh.notify.signal", "needs a shared process namespace and every app container at the fetcher's UID, which SecretMount cannot see or set on pods declared elsewhere; " +
      "notify with http or generationFile instead, or declare the workload with SecretMountedWorkload");
  }
  problems.throwIfAny();
  return {
    ...set, platform, namespace, createNamespace: false, serviceAccountName, deploymentName: serviceAccountName, replicas: 0,
    labels: {}, volumeSizeLimit: a.volumeSizeLimit, fsGroup, containers: [], createServiceAccount: a.createServiceAccount ?? true,
    mountInto: a.mountInto ? [...a.mountInto] : undefined, allowPersistentVolumeGroupChange: a.allowPersistentVolumeGroupChange ?? false,
  };
}
