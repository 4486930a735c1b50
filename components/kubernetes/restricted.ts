/**
 * Tightening a pod someone else wrote to the restricted Pod Security Standard's security-context
 * rows, without overriding what its author chose. A field left unset gets the restricted value
 * (recorded as a change, so the review shows it); a field set to something the profile forbids is
 * refused with the field's path: turning `privileged: true` into `false` behind a chart's back
 * would break it in a way no one reviewed. Rows outside security contexts (host namespaces,
 * hostPath volumes, host ports) are the pod author's and are left alone.
 */

type Obj = Record<string, any>;

/** Capabilities the restricted profile lets a container add back after dropping ALL. */
const ADDABLE = ["NET_BIND_SERVICE"];
const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

/** A security-context field the profile forbids, as the pod author set it. */
export interface Forbidden {
  /** Path from the pod spec, e.g. `containers[0] "app" securityContext.privileged`. */
  field: string;
  /** What is wrong and the fix. */
  problem: string;
}

/** What tightening did: the pod spec's new security contexts, and one line per field it set. */
export interface Tightened {
  spec: Obj;
  /** Paths of the fields it set, e.g. `containers[0] "app" securityContext.allowPrivilegeEscalation=false`. */
  changes: string[];
  forbidden: Forbidden[];
}

const fix = "set it in the workload's own manifest or chart values, or leave this workload out of the selection";

/** Tightens the pod-level and every container's security context of `spec` (not modified; a copy is returned). */
export function tightenToRestricted(spec: Obj): Tightened {
  const out: Obj = { ...spec };
  const changes: string[] = [];
  const forbidden: Forbidden[] = [];
  const pod: Obj = { ...(spec.securityContext ?? {}) };
  const podAt = "securityContext";

  if (pod.runAsNonRoot === false) forbidden.push({ field: `${podAt}.runAsNonRoot`, problem: `is false; the restricted profile requires true: ${fix}` });
  else if (pod.runAsNonRoot === undefined) {
    pod.runAsNonRoot = true;
    changes.push(`${podAt}.runAsNonRoot=true`);
  }
  if (pod.runAsUser === 0) forbidden.push({ field: `${podAt}.runAsUser`, problem: `is 0 (root); the restricted profile requires a non-zero UID: ${fix}` });
  const podSeccomp = pod.seccompProfile?.type;
  if (podSeccomp !== undefined && !SECCOMP_OK.includes(podSeccomp)) {
    forbidden.push({ field: `${podAt}.seccompProfile.type`, problem: `is ${JSON.stringify(podSeccomp)}; the restricted profile requires RuntimeDefault or Localhost: ${fix}` });
  } else if (podSeccomp === undefined) {
    pod.seccompProfile = { type: "RuntimeDefault" };
    changes.push(`${podAt}.seccompProfile.type=RuntimeDefault`);
  }
  out.securityContext = pod;

  for (const field of ["initContainers", "containers"] as const) {
    if (!Array.isArray(spec[field])) continue;
    out[field] = (spec[field] as Obj[]).map((c, i) => {
      const at = `${field}[${i}] "${c?.name}" securityContext`;
      const sc: Obj = { ...(c?.securityContext ?? {}) };
      const set = (key: string, value: unknown, shown: string) => {
        sc[key] = value;
        changes.push(`${at}.${key}=${shown}`);
      };
      if (sc.privileged === true) forbidden.push({ field: `${at}.privileged`, problem: `is true; the restricted profile forbids privileged containers: ${fix}` });
      if (sc.allowPrivilegeEscalation === true) forbidden.push({ field: `${at}.allowPrivilegeEscalation`, problem: `is true; the restricted profile requires false: ${fix}` });
      else if (sc.allowPrivilegeEscalation === undefined) set("allowPrivilegeEscalation", false, "false");
      if (sc.runAsNonRoot === false) forbidden.push({ field: `${at}.runAsNonRoot`, problem: `is false; the restricted profile requires true: ${fix}` });
      if (sc.runAsUser === 0) forbidden.push({ field: `${at}.runAsUser`, problem: `is 0 (root); the restricted profile requires a non-zero UID: ${fix}` });
      const seccomp = sc.seccompProfile?.type;
      if (seccomp !== undefined && !SECCOMP_OK.includes(seccomp)) {
        forbidden.push({ field: `${at}.seccompProfile.type`, problem: `is ${JSON.stringify(seccomp)}; the restricted profile requires RuntimeDefault or Localhost: ${fix}` });
      }
      const caps: Obj = { ...(sc.capabilities ?? {}) };
      const added = ((caps.add ?? []) as string[]).filter((cap) => !ADDABLE.includes(cap));
      if (added.length) forbidden.push({ field: `${at}.capabilities.add`, problem: `adds ${added.join(", ")}; the restricted profile allows only ${ADDABLE.join(", ")}: ${fix}` });
      const drop = (caps.drop ?? []) as string[];
      if (!drop.includes("ALL")) {
        caps.drop = [...drop, "ALL"];
        sc.capabilities = caps;
        changes.push(`${at}.capabilities.drop+=ALL`);
      }
      return { ...c, securityContext: sc };
    });
  }
  return { spec: out, changes, forbidden };
}
