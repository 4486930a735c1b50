/**
 * The restricted Pod Security Standard, as one checker for every pod the library writes or
 * adopts: SecretMountedWorkload's own pods (pod.ts) and pods someone else wrote (adopt.ts).
 *
 * Each row follows Pod Security admission (k8s.io/pod-security-admission, policy/check_*.go) at
 * its latest version, and every violation carries the control's name as the Pod Security
 * Standards page spells it and the admission check's id, so a refusal points at the row of the
 * table. Where admission relaxes a row (user-namespace pods, Windows pods) this checker does not:
 * it may refuse more than admission, never less. The real tier (tests-real/kube-apiserver.test.ts)
 * holds it to a real API server's Pod Security admission, case by case.
 *
 * Tightening (for adoption) sets the four rows whose unset value is a violation (pod
 * `runAsNonRoot` and `seccompProfile`, each container's `allowPrivilegeEscalation` and
 * `capabilities.drop: [ALL]`) where the pod left them unset, and records each as a change; a field
 * the author set to a value the profile forbids is refused with its path, never changed behind the
 * chart's back.
 */
import { APPARMOR_ANNOTATION_PREFIX, appArmorAnnotationAllowed } from "../core/apparmor";

type Obj = Record<string, any>;

/** Which list of the pod spec a container is in. */
export type ContainerList = "initContainers" | "containers" | "ephemeralContainers";
const CONTAINER_LISTS: ContainerList[] = ["initContainers", "containers", "ephemeralContainers"];

/** One row of the Pod Security Standards a pod breaks. */
export interface PodSecurityViolation {
  /** The control as the Pod Security Standards name it, e.g. `AppArmor`, `/proc Mount Type`. */
  control: string;
  /** Pod Security admission's check id, e.g. `appArmorProfile`, `procMount_restricted`. */
  check: string;
  /** The lowest profile that forbids it: `baseline` (so `restricted` too) or `restricted`. */
  level: "baseline" | "restricted";
  /** The container the field is in, when it is in one. */
  container?: { list: ContainerList; index: number; name: string };
  /**
   * The field, from the pod template: `spec.…` or `metadata.annotations.<key>`; inside a
   * container, from the container (e.g. `securityContext.privileged`).
   */
  field: string;
  /** The value as set, what the profile allows, e.g. `is "Unconfined"; allowed: RuntimeDefault, Localhost`. */
  problem: string;
}

/** Capabilities the restricted profile lets a container add back after dropping ALL. */
const ADDABLE = ["NET_BIND_SERVICE"];
/** Seccomp and AppArmor profile types the profiles allow. */
const PROFILE_TYPES = ["RuntimeDefault", "Localhost"];
/** Volume types the restricted profile allows (restrictedVolumes). */
const VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
/** SELinux types the baseline profile allows (seLinuxOptions, Kubernetes 1.31+). */
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
/** The safe sysctls (sysctls, Kubernetes 1.32+). */
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
];
const show = (v: unknown) => JSON.stringify(v);

/**
 * Every way `spec` (a pod spec) and `metadata` (its template's metadata, for the AppArmor
 * annotations) break the baseline or restricted Pod Security Standard; [] when the pod is
 * restricted. Pure; values it cannot read (Outputs) are not judged.
 */
export function podSecurityViolations(spec: Obj, metadata: Obj = {}): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const pod = (control: string, check: string, level: PodSecurityViolation["level"], field: string, problem: string) =>
    out.push({ control, check, level, field: `spec.${field}`, problem });
  const podSc: Obj = spec.securityContext ?? {};
  const containers = CONTAINER_LISTS.flatMap((list) =>
    (Array.isArray(spec[list]) ? (spec[list] as Obj[]) : []).map((c, index) => ({
      c: c ?? {},
      sc: (c?.securityContext ?? {}) as Obj,
      where: { list, index, name: String(c?.name) },
    })),
  );
  const each = (
    control: string,
    check: string,
    level: PodSecurityViolation["level"],
    test: (c: Obj, sc: Obj) => [string, string][],
  ) => {
    for (const { c, sc, where } of containers)
      for (const [field, problem] of test(c, sc)) out.push({ control, check, level, container: where, field, problem });
  };

  // ---- Baseline ----
  if (podSc.windowsOptions?.hostProcess === true)
    pod(
      "HostProcess",
      "windowsHostProcess",
      "baseline",
      "securityContext.windowsOptions.hostProcess",
      "is true; allowed: false or unset",
    );
  each("HostProcess", "windowsHostProcess", "baseline", (_, sc) =>
    sc.windowsOptions?.hostProcess === true
      ? [["securityContext.windowsOptions.hostProcess", "is true; allowed: false or unset"]]
      : [],
  );
  for (const f of ["hostNetwork", "hostPID", "hostIPC"])
    if (spec[f] === true) pod("Host Namespaces", "hostNamespaces", "baseline", f, "is true; allowed: false or unset");
  each("Privileged Containers", "privileged", "baseline", (_, sc) =>
    sc.privileged === true ? [["securityContext.privileged", "is true; allowed: false or unset"]] : [],
  );
  const volumes: Obj[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((v, i) => {
    if (v?.hostPath != null)
      pod(
        "HostPath Volumes",
        "hostPathVolumes",
        "baseline",
        `volumes[${i}]`,
        `("${v.name}") is a hostPath volume; the node's files are not the pod's`,
      );
  });
  each("Host Ports", "hostPorts", "baseline", (c) =>
    ((c.ports ?? []) as Obj[]).flatMap((p, i) =>
      p?.hostPort != null && p.hostPort !== 0
        ? [[`ports[${i}].hostPort`, `is ${p.hostPort}; allowed: 0 or unset`] as [string, string]]
        : [],
    ),
  );
  each("Host Probes / Lifecycle Hooks", "hostProbesAndHostLifecycle", "baseline", (c) => {
    const found: [string, string][] = [];
    for (const handler of [
      "livenessProbe",
      "readinessProbe",
      "startupProbe",
      "lifecycle.postStart",
      "lifecycle.preStop",
    ]) {
      const h = handler.split(".").reduce<Obj | undefined>((o, k) => o?.[k], c);
      for (const kind of ["httpGet", "tcpSocket"]) {
        const host = h?.[kind]?.host;
        if (host != null && host !== "")
          found.push([`${handler}.${kind}.host`, `is ${show(host)}; allowed: "" or unset (the pod's own IP)`]);
      }
    }
    return found;
  });
  const appArmor = (t: unknown) => `is ${show(t)}; allowed: ${PROFILE_TYPES.join(", ")} or unset`;
  if (podSc.appArmorProfile != null && !PROFILE_TYPES.includes(podSc.appArmorProfile.type)) {
    pod(
      "AppArmor",
      "appArmorProfile",
      "baseline",
      "securityContext.appArmorProfile.type",
      appArmor(podSc.appArmorProfile.type),
    );
  }
  each("AppArmor", "appArmorProfile", "baseline", (_, sc) =>
    sc.appArmorProfile != null && !PROFILE_TYPES.includes(sc.appArmorProfile.type)
      ? [["securityContext.appArmorProfile.type", appArmor(sc.appArmorProfile.type)]]
      : [],
  );
  for (const [key, value] of Object.entries((metadata.annotations ?? {}) as Obj)) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX) || typeof value !== "string") continue;
    if (!appArmorAnnotationAllowed(value)) {
      out.push({
        control: "AppArmor",
        check: "appArmorProfile",
        level: "baseline",
        field: `metadata.annotations.${key}`,
        problem: `is ${show(value)}; allowed: runtime/default, localhost/<profile> or unset`,
      });
    }
  }
  const seLinux = (opts: Obj | undefined): [string, string][] => {
    if (opts == null) return [];
    const found: [string, string][] = [];
    if (typeof opts.type === "string" && !SELINUX_TYPES.includes(opts.type))
      found.push([
        "seLinuxOptions.type",
        `is ${show(opts.type)}; allowed: ${SELINUX_TYPES.filter(Boolean).join(", ")} or unset`,
      ]);
    for (const f of ["user", "role"])
      if (opts[f] != null && opts[f] !== "") found.push([`seLinuxOptions.${f}`, `is ${show(opts[f])}; allowed: unset`]);
    return found;
  };
  for (const [f, problem] of seLinux(podSc.seLinuxOptions))
    pod("SELinux", "seLinuxOptions", "baseline", `securityContext.${f}`, problem);
  each("SELinux", "seLinuxOptions", "baseline", (_, sc) =>
    seLinux(sc.seLinuxOptions).map(([f, p]) => [`securityContext.${f}`, p]),
  );
  each("/proc Mount Type", "procMount", "baseline", (_, sc) =>
    sc.procMount != null && sc.procMount !== "Default"
      ? [["securityContext.procMount", `is ${show(sc.procMount)}; allowed: Default or unset (the default /proc masks)`]]
      : [],
  );
  ((podSc.sysctls ?? []) as Obj[]).forEach((s, i) => {
    if (!SAFE_SYSCTLS.includes(s?.name))
      pod(
        "Sysctls",
        "sysctls",
        "baseline",
        `securityContext.sysctls[${i}].name`,
        `is ${show(s?.name)}, not one of the safe sysctls (${SAFE_SYSCTLS.join(", ")})`,
      );
  });

  // ---- Restricted ----
  volumes.forEach((v, i) => {
    if (v?.hostPath != null || VOLUME_TYPES.some((t) => v?.[t] != null)) return;
    const types = Object.keys(v ?? {}).filter((k) => k !== "name" && v[k] != null);
    pod(
      "Volume Types",
      "restrictedVolumes",
      "restricted",
      `volumes[${i}]`,
      `("${v?.name}") is ${types.length ? `a ${types.join(", ")} volume` : "of no type"}; allowed: ${VOLUME_TYPES.join(", ")}`,
    );
  });
  each("Privilege Escalation", "allowPrivilegeEscalation", "restricted", (_, sc) =>
    sc.allowPrivilegeEscalation !== false
      ? [
          [
            "securityContext.allowPrivilegeEscalation",
            `is ${sc.allowPrivilegeEscalation === undefined ? "unset" : show(sc.allowPrivilegeEscalation)}; required: false`,
          ],
        ]
      : [],
  );
  if (podSc.runAsNonRoot === false)
    pod(
      "Running as Non-root",
      "runAsNonRoot",
      "restricted",
      "securityContext.runAsNonRoot",
      "is false; required: true",
    );
  each("Running as Non-root", "runAsNonRoot", "restricted", (_, sc) =>
    sc.runAsNonRoot === false
      ? [["securityContext.runAsNonRoot", "is false; required: true"]]
      : sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== true
        ? [
            [
              "securityContext.runAsNonRoot",
              "is unset, and so is the pod's; required: true in the container or the pod",
            ],
          ]
        : [],
  );
  if (podSc.runAsUser === 0)
    pod(
      "Running as Non-root user",
      "runAsUser",
      "restricted",
      "securityContext.runAsUser",
      "is 0 (root); required: a non-zero UID",
    );
  each("Running as Non-root user", "runAsUser", "restricted", (_, sc) =>
    sc.runAsUser === 0 ? [["securityContext.runAsUser", "is 0 (root); required: a non-zero UID"]] : [],
  );
  const podSeccomp = podSc.seccompProfile?.type;
  const seccomp = (t: unknown) => `is ${show(t)}; allowed: ${PROFILE_TYPES.join(", ")}`;
  // A profile set to another type breaks the baseline row; none at all, the restricted one.
  if (podSc.seccompProfile != null && !PROFILE_TYPES.includes(podSeccomp))
    pod("Seccomp", "seccompProfile_baseline", "baseline", "securityContext.seccompProfile.type", seccomp(podSeccomp));
  each("Seccomp", "seccompProfile_baseline", "baseline", (_, sc) =>
    sc.seccompProfile != null && !PROFILE_TYPES.includes(sc.seccompProfile.type)
      ? [["securityContext.seccompProfile.type", seccomp(sc.seccompProfile.type)]]
      : [],
  );
  each("Seccomp", "seccompProfile_restricted", "restricted", (_, sc) =>
    sc.seccompProfile == null && !PROFILE_TYPES.includes(podSeccomp)
      ? [
          [
            "securityContext.seccompProfile",
            "is unset, and so is the pod's; required: RuntimeDefault or Localhost in the container or the pod",
          ],
        ]
      : [],
  );
  each("Capabilities", "capabilities_restricted", "restricted", (_, sc) => {
    const found: [string, string][] = [];
    const drop = (sc.capabilities?.drop ?? []) as string[];
    if (!drop.includes("ALL"))
      found.push(["securityContext.capabilities.drop", `is ${show(drop)}; required: it includes ALL`]);
    const added = ((sc.capabilities?.add ?? []) as string[]).filter((cap) => !ADDABLE.includes(cap));
    if (added.length)
      found.push(["securityContext.capabilities.add", `adds ${added.join(", ")}; allowed: ${ADDABLE.join(", ")} only`]);
    return found;
  });
  return out;
}

/**
 * The field from the pod template (`spec.containers[0] "web" securityContext.procMount`,
 * `metadata.annotations.<key>`) and the problem naming the row, e.g. `is "Unmasked"; allowed: … (Pod
 * Security Standards, baseline profile: control "/proc Mount Type", admission check procMount)`.
 */
export function describeViolation(v: PodSecurityViolation): { field: string; problem: string } {
  const field = v.container
    ? `spec.${v.container.list}[${v.container.index}] "${v.container.name}" ${v.field}`
    : v.field;
  return {
    field,
    problem: `${v.problem} (Pod Security Standards, ${v.level} profile: control "${v.control}", admission check ${v.check})`,
  };
}

/** What tightening did: the pod spec's new security contexts, the fields it set, and what it may not change. */
export interface Tightened {
  spec: Obj;
  /** Paths of the fields it set, e.g. `containers[0] "app" securityContext.allowPrivilegeEscalation=false`. */
  changes: string[];
  /** What the pod still breaks once the unset fields are set: values its author chose. */
  forbidden: PodSecurityViolation[];
}

/**
 * Sets the restricted values the pod left unset (pod `runAsNonRoot`, pod `seccompProfile`, each
 * container's `allowPrivilegeEscalation` and `capabilities.drop: [ALL]`), then checks the result
 * (podSecurityViolations): what remains are values the author set. `spec` is not modified.
 */
export function tightenToRestricted(spec: Obj, metadata: Obj = {}): Tightened {
  const out: Obj = { ...spec };
  const changes: string[] = [];
  const pod: Obj = { ...(spec.securityContext ?? {}) };
  if (pod.runAsNonRoot === undefined) {
    pod.runAsNonRoot = true;
    changes.push("securityContext.runAsNonRoot=true");
  }
  if (pod.seccompProfile === undefined) {
    pod.seccompProfile = { type: "RuntimeDefault" };
    changes.push("securityContext.seccompProfile.type=RuntimeDefault");
  }
  out.securityContext = pod;
  for (const field of CONTAINER_LISTS) {
    if (!Array.isArray(spec[field])) continue;
    out[field] = (spec[field] as Obj[]).map((c, i) => {
      const at = `${field}[${i}] "${c?.name}" securityContext`;
      const sc: Obj = { ...(c?.securityContext ?? {}) };
      if (sc.allowPrivilegeEscalation === undefined) {
        sc.allowPrivilegeEscalation = false;
        changes.push(`${at}.allowPrivilegeEscalation=false`);
      }
      const drop = (sc.capabilities?.drop ?? []) as string[];
      if (!drop.includes("ALL")) {
        sc.capabilities = { ...(sc.capabilities ?? {}), drop: [...drop, "ALL"] };
        changes.push(`${at}.capabilities.drop+=ALL`);
      }
      return { ...c, securityContext: sc };
    });
  }
  return { spec: out, changes, forbidden: podSecurityViolations(out, metadata) };
}
