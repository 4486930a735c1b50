// Pod Security Standards checker (Baseline + Restricted), test-only.
//
// Written from https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the
// current tables, v1.34 era). Each message starts with the control name as the doc spells it,
// so a failing test points straight at the row of the table that was broken.
// Field paths are relative to the pod spec (`spec.` prefix as in the doc).

type Obj = Record<string, any>;

const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

// The doc's table lists the first ten; tcp_rmem/tcp_wmem joined the safe set in Kubernetes 1.32
// (kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/) and the Baseline check with it.
const SAFE_SYSCTLS = new Set([
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
]);

const RESTRICTED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const PROFILE_TYPES_OK = new Set(["RuntimeDefault", "Localhost"]);
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

interface Located {
  path: string; // e.g. spec.initContainers[0]
  label: string; // e.g. spec.initContainers[0] "fetch"
  c: Obj;
}

function containersOf(spec: Obj): Located[] {
  const out: Located[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const list: Obj[] = Array.isArray(spec[field]) ? spec[field] : [];
    list.forEach((c, i) => {
      const path = `spec.${field}[${i}]`;
      out.push({ path, label: `${path} "${c?.name ?? "?"}"`, c: c ?? {} });
    });
  }
  return out;
}

const sc = (c: Obj): Obj => c.securityContext ?? {};
const show = (v: unknown): string => JSON.stringify(v);

/** Baseline + Restricted violations of a pod spec; one human-readable line each, [] if compliant. */
export function restrictedViolations(podSpec: object, podMetadata?: object): string[] {
  const spec = podSpec as Obj;
  const meta = (podMetadata ?? {}) as Obj;
  const podSc: Obj = spec.securityContext ?? {};
  const containers = containersOf(spec);
  const isWindows = spec.os?.name === "windows";
  const v: string[] = [];

  // ---- Baseline ----

  if (podSc.windowsOptions?.hostProcess === true) {
    v.push("HostProcess: spec.securityContext.windowsOptions.hostProcess=true (allowed: undefined, false)");
  }
  for (const { label, c } of containers) {
    if (sc(c).windowsOptions?.hostProcess === true) {
      v.push(`HostProcess: ${label} securityContext.windowsOptions.hostProcess=true (allowed: undefined, false)`);
    }
  }

  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[f] === true) v.push(`Host Namespaces: spec.${f}=true (allowed: undefined, false)`);
  }

  for (const { label, c } of containers) {
    if (sc(c).privileged === true) {
      v.push(`Privileged Containers: ${label} securityContext.privileged=true (allowed: undefined, false)`);
    }
  }

  for (const { label, c } of containers) {
    const extra = ((sc(c).capabilities?.add ?? []) as string[]).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (extra.length > 0) {
      v.push(`Capabilities (Baseline): ${label} adds ${extra.join(", ")} beyond the Baseline list`);
    }
  }

  const volumes: Obj[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((vol, i) => {
    if (vol?.hostPath != null) v.push(`HostPath Volumes: spec.volumes[${i}] "${vol.name}" is a hostPath volume`);
  });

  for (const { label, c } of containers) {
    (c.ports ?? []).forEach((p: Obj, i: number) => {
      if (p?.hostPort != null && p.hostPort !== 0) {
        v.push(`Host Ports: ${label} ports[${i}].hostPort=${p.hostPort} (allowed: undefined, 0)`);
      }
    });
  }

  for (const { label, c } of containers) {
    const handlers: [string, Obj | undefined][] = [
      ["livenessProbe", c.livenessProbe],
      ["readinessProbe", c.readinessProbe],
      ["startupProbe", c.startupProbe],
      ["lifecycle.postStart", c.lifecycle?.postStart],
      ["lifecycle.preStop", c.lifecycle?.preStop],
    ];
    for (const [where, h] of handlers) {
      for (const kind of ["httpGet", "tcpSocket"]) {
        const host = h?.[kind]?.host;
        if (host != null && host !== "") {
          v.push(
            `Host Probes / Lifecycle Hooks: ${label} ${where}.${kind}.host=${show(host)} (allowed: undefined, "")`,
          );
        }
      }
    }
  }

  const appArmorTypeOk = (t: unknown) => t == null || PROFILE_TYPES_OK.has(t as string);
  if (!appArmorTypeOk(podSc.appArmorProfile?.type)) {
    v.push(
      `AppArmor: spec.securityContext.appArmorProfile.type=${show(podSc.appArmorProfile.type)} (allowed: undefined, RuntimeDefault, Localhost)`,
    );
  }
  for (const { label, c } of containers) {
    const t = sc(c).appArmorProfile?.type;
    if (!appArmorTypeOk(t)) {
      v.push(
        `AppArmor: ${label} securityContext.appArmorProfile.type=${show(t)} (allowed: undefined, RuntimeDefault, Localhost)`,
      );
    }
  }
  for (const [key, value] of Object.entries((meta.annotations ?? {}) as Obj)) {
    if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
    if (!(value === "runtime/default" || (typeof value === "string" && value.startsWith("localhost/")))) {
      v.push(`AppArmor: metadata.annotations["${key}"]=${show(value)} (allowed: runtime/default, localhost/*)`);
    }
  }

  const seLinux = (where: string, opts: Obj | undefined) => {
    if (!opts) return;
    if (opts.type != null && !SELINUX_TYPES.has(opts.type)) {
      v.push(
        `SELinux: ${where} seLinuxOptions.type=${show(opts.type)} (allowed: "", container_t, container_init_t, container_kvm_t, container_engine_t)`,
      );
    }
    for (const f of ["user", "role"]) {
      if (opts[f] != null && opts[f] !== "")
        v.push(`SELinux: ${where} seLinuxOptions.${f}=${show(opts[f])} (allowed: undefined, "")`);
    }
  };
  seLinux("spec.securityContext", podSc.seLinuxOptions);
  for (const { label, c } of containers) seLinux(`${label} securityContext`, sc(c).seLinuxOptions);

  for (const { label, c } of containers) {
    const pm = sc(c).procMount;
    if (pm != null && pm !== "Default") {
      v.push(`/proc Mount Type: ${label} securityContext.procMount=${show(pm)} (allowed: undefined, Default)`);
    }
  }

  if (podSc.seccompProfile?.type === "Unconfined") {
    v.push("Seccomp (Baseline): spec.securityContext.seccompProfile.type=Unconfined");
  }
  for (const { label, c } of containers) {
    if (sc(c).seccompProfile?.type === "Unconfined") {
      v.push(`Seccomp (Baseline): ${label} securityContext.seccompProfile.type=Unconfined`);
    }
  }

  ((podSc.sysctls ?? []) as Obj[]).forEach((s, i) => {
    if (!SAFE_SYSCTLS.has(s?.name))
      v.push(`Sysctls: spec.securityContext.sysctls[${i}].name=${show(s?.name)} is not in the safe set`);
  });

  // ---- Restricted ----

  volumes.forEach((vol, i) => {
    if (!RESTRICTED_VOLUME_TYPES.some((t) => vol?.[t] != null)) {
      const kind =
        Object.keys(vol ?? {})
          .filter((k) => k !== "name")
          .join(", ") || "none";
      v.push(
        `Volume Types: spec.volumes[${i}] "${vol?.name}" has type ${kind} (allowed: ${RESTRICTED_VOLUME_TYPES.join(", ")})`,
      );
    }
  });

  // Privilege Escalation, Seccomp and Capabilities (Restricted) are Linux-only since v1.25.
  if (!isWindows) {
    for (const { label, c } of containers) {
      if (sc(c).allowPrivilegeEscalation !== false) {
        v.push(
          `Privilege Escalation: ${label} securityContext.allowPrivilegeEscalation=${show(sc(c).allowPrivilegeEscalation)} (must be false)`,
        );
      }
    }
  }

  const podNonRoot = podSc.runAsNonRoot;
  if (podNonRoot === false) v.push("Running as Non-root: spec.securityContext.runAsNonRoot=false");
  for (const { label, c } of containers) {
    const own = sc(c).runAsNonRoot;
    if (own === false) {
      v.push(`Running as Non-root: ${label} securityContext.runAsNonRoot=false`);
    } else if (own !== true && podNonRoot !== true) {
      v.push(`Running as Non-root: ${label} has runAsNonRoot unset and spec.securityContext.runAsNonRoot is not true`);
    }
  }

  if (podSc.runAsUser === 0) v.push("Running as Non-root user: spec.securityContext.runAsUser=0");
  for (const { label, c } of containers) {
    if (sc(c).runAsUser === 0) v.push(`Running as Non-root user: ${label} securityContext.runAsUser=0`);
  }

  if (!isWindows) {
    const podType = podSc.seccompProfile?.type;
    if (podType != null && podType !== "Unconfined" && !PROFILE_TYPES_OK.has(podType)) {
      v.push(
        `Seccomp (Restricted): spec.securityContext.seccompProfile.type=${show(podType)} (allowed: RuntimeDefault, Localhost)`,
      );
    }
    for (const { label, c } of containers) {
      const t = sc(c).seccompProfile?.type;
      if (t == null) {
        if (!PROFILE_TYPES_OK.has(podType)) {
          v.push(
            `Seccomp (Restricted): ${label} has no seccompProfile and the pod-level profile is not RuntimeDefault/Localhost`,
          );
        }
      } else if (t !== "Unconfined" && !PROFILE_TYPES_OK.has(t)) {
        v.push(
          `Seccomp (Restricted): ${label} securityContext.seccompProfile.type=${show(t)} (allowed: RuntimeDefault, Localhost)`,
        );
      }
    }

    for (const { label, c } of containers) {
      const caps = sc(c).capabilities ?? {};
      if (!((caps.drop ?? []) as string[]).includes("ALL")) {
        v.push(`Capabilities (Restricted): ${label} does not drop ALL capabilities`);
      }
      const extra = ((caps.add ?? []) as string[]).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (extra.length > 0)
        v.push(`Capabilities (Restricted): ${label} adds ${extra.join(", ")} (only NET_BIND_SERVICE may be added)`);
    }
  }

  return v;
}

/** Throws one error listing every Baseline/Restricted violation; returns quietly if compliant. */
export function assertRestricted(podSpec: object, podMetadata?: object): void {
  const v = restrictedViolations(podSpec, podMetadata);
  if (v.length > 0) {
    throw new Error(`Pod violates the Restricted Pod Security Standard (${v.length}):\n  - ${v.join("\n  - ")}`);
  }
}
