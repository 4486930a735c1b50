// Pod Security cases shared by the unit tier (components/kubernetes/restricted.ts against the
// independent test checker in pod-security.ts, and adoption's refusals) and the real tier
// (tests-real/kube-apiserver.test.ts: the same cases against a real API server's Pod Security
// admission, enforce: restricted). Each case changes a restricted pod; `containers[0]` is the app.
// Forbidden cases set a value the pod's author chose (adoption must refuse it, not tighten it);
// each is also a pod API validation accepts, so admission, not validation, is what refuses it.

type Obj = Record<string, any>;

export interface PodSecurityCase {
  title: string;
  /** Changes a pod ({ metadata, spec }) in place. */
  change(pod: Obj): void;
  /** Forbidden: the control restricted.ts names (the Pod Security Standards' spelling). */
  control?: string;
  /** Forbidden: the reason Pod Security admission gives (its ForbiddenReason), in its message. */
  reason?: string;
}

const app = (pod: Obj): Obj => pod.spec.containers[0];
const sc = (c: Obj): Obj => (c.securityContext ??= {});
const podSc = (pod: Obj): Obj => (pod.spec.securityContext ??= {});

/** Values the restricted profile forbids, one row each. */
export const FORBIDDEN_CASES: PodSecurityCase[] = [
  {
    title: "hostProcess (Windows)",
    control: "HostProcess",
    reason: "hostProcess",
    change: (pod) => {
      // API validation: every container of a hostProcess pod is one, and it uses the host network.
      pod.spec.hostNetwork = true;
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers])
        sc(c).windowsOptions = { hostProcess: true };
    },
  },
  {
    title: "hostNetwork",
    control: "Host Namespaces",
    reason: "host namespaces",
    change: (pod) => {
      pod.spec.hostNetwork = true;
    },
  },
  {
    title: "hostPID",
    control: "Host Namespaces",
    reason: "host namespaces",
    change: (pod) => {
      pod.spec.hostPID = true;
    },
  },
  {
    title: "hostIPC",
    control: "Host Namespaces",
    reason: "host namespaces",
    change: (pod) => {
      pod.spec.hostIPC = true;
    },
  },
  {
    title: "a privileged container",
    control: "Privileged Containers",
    reason: "privileged",
    change: (pod) => {
      // (privileged with allowPrivilegeEscalation: false is refused earlier, by API validation)
      Object.assign(sc(app(pod)), { privileged: true, allowPrivilegeEscalation: true });
    },
  },
  {
    title: "a hostPath volume",
    control: "HostPath Volumes",
    reason: "restricted volume types",
    change: (pod) => {
      (pod.spec.volumes ??= []).push({ name: "host-etc", hostPath: { path: "/etc" } });
    },
  },
  {
    title: "a hostPort",
    control: "Host Ports",
    reason: "hostPort",
    change: (pod) => {
      app(pod).ports = [{ containerPort: 8080, hostPort: 8080 }];
    },
  },
  {
    title: "a probe's host",
    control: "Host Probes / Lifecycle Hooks",
    reason: "probe or lifecycle host",
    change: (pod) => {
      app(pod).readinessProbe = { httpGet: { host: "169.254.169.254", path: "/", port: 80 } };
    },
  },
  {
    title: "a lifecycle hook's host",
    control: "Host Probes / Lifecycle Hooks",
    reason: "probe or lifecycle host",
    change: (pod) => {
      app(pod).lifecycle = { preStop: { httpGet: { host: "10.0.0.1", path: "/drain", port: 80 } } };
    },
  },
  {
    title: "AppArmor unconfined (annotation)",
    control: "AppArmor",
    reason: "forbidden AppArmor profile",
    change: (pod) => {
      (pod.metadata.annotations ??= {})[`container.apparmor.security.beta.kubernetes.io/${app(pod).name}`] =
        "unconfined";
    },
  },
  {
    title: "AppArmor Unconfined (container appArmorProfile)",
    control: "AppArmor",
    reason: "forbidden AppArmor profile",
    change: (pod) => {
      sc(app(pod)).appArmorProfile = { type: "Unconfined" };
    },
  },
  {
    title: "AppArmor Unconfined (pod appArmorProfile)",
    control: "AppArmor",
    reason: "forbidden AppArmor profile",
    change: (pod) => {
      podSc(pod).appArmorProfile = { type: "Unconfined" };
    },
  },
  {
    title: "SELinux type spc_t",
    control: "SELinux",
    reason: "seLinuxOptions",
    change: (pod) => {
      sc(app(pod)).seLinuxOptions = { type: "spc_t" };
    },
  },
  {
    title: "SELinux user (pod)",
    control: "SELinux",
    reason: "seLinuxOptions",
    change: (pod) => {
      podSc(pod).seLinuxOptions = { user: "system_u" };
    },
  },
  {
    title: "procMount Unmasked",
    control: "/proc Mount Type",
    reason: "procMount",
    change: (pod) => {
      // API validation: Unmasked needs a user namespace; the restricted profile forbids it even then.
      pod.spec.hostUsers = false;
      sc(app(pod)).procMount = "Unmasked";
    },
  },
  {
    title: "an unsafe sysctl (kernel.core_pattern)",
    control: "Sysctls",
    reason: "forbidden sysctls",
    change: (pod) => {
      podSc(pod).sysctls = [{ name: "kernel.core_pattern", value: "|/bin/true" }];
    },
  },
  {
    title: "seccomp Unconfined (pod)",
    control: "Seccomp",
    reason: "seccompProfile",
    change: (pod) => {
      podSc(pod).seccompProfile = { type: "Unconfined" };
    },
  },
  {
    title: "seccomp Unconfined (container)",
    control: "Seccomp",
    reason: "seccompProfile",
    change: (pod) => {
      sc(app(pod)).seccompProfile = { type: "Unconfined" };
    },
  },
  {
    title: "an nfs volume",
    control: "Volume Types",
    reason: "restricted volume types",
    change: (pod) => {
      (pod.spec.volumes ??= []).push({ name: "share", nfs: { server: "nfs.example.com", path: "/exports" } });
    },
  },
  {
    title: "allowPrivilegeEscalation: true",
    control: "Privilege Escalation",
    reason: "allowPrivilegeEscalation != false",
    change: (pod) => {
      sc(app(pod)).allowPrivilegeEscalation = true;
    },
  },
  {
    title: "runAsNonRoot: false (container)",
    control: "Running as Non-root",
    reason: "runAsNonRoot != true",
    change: (pod) => {
      sc(app(pod)).runAsNonRoot = false;
    },
  },
  {
    title: "runAsUser: 0 (pod)",
    control: "Running as Non-root user",
    reason: "runAsUser=0",
    change: (pod) => {
      podSc(pod).runAsUser = 0;
    },
  },
  {
    title: "a capability beyond NET_BIND_SERVICE (SYS_ADMIN)",
    control: "Capabilities",
    reason: "unrestricted capabilities",
    change: (pod) => {
      sc(app(pod)).capabilities = { drop: ["ALL"], add: ["SYS_ADMIN"] };
    },
  },
  {
    title: "a baseline capability the restricted profile forbids (CHOWN)",
    control: "Capabilities",
    reason: "unrestricted capabilities",
    change: (pod) => {
      sc(app(pod)).capabilities = { drop: ["ALL"], add: ["CHOWN"] };
    },
  },
];

/** Values the restricted profile allows that a checker might wrongly refuse. */
export const ALLOWED_CASES: PodSecurityCase[] = [
  { title: "the pod as it is", change: () => undefined },
  {
    title: "AppArmor localhost/<profile> (annotation)",
    change: (pod) => {
      (pod.metadata.annotations ??= {})[`container.apparmor.security.beta.kubernetes.io/${app(pod).name}`] =
        "localhost/web";
    },
  },
  {
    title: "AppArmor Localhost (container appArmorProfile)",
    change: (pod) => {
      sc(app(pod)).appArmorProfile = { type: "Localhost", localhostProfile: "web" };
    },
  },
  {
    title: "SELinux container_t with a level",
    change: (pod) => {
      sc(app(pod)).seLinuxOptions = { type: "container_t", level: "s0:c123,c456" };
    },
  },
  {
    title: "procMount Default",
    change: (pod) => {
      sc(app(pod)).procMount = "Default";
    },
  },
  {
    title: "safe sysctls",
    change: (pod) => {
      podSc(pod).sysctls = [
        { name: "net.ipv4.ip_local_port_range", value: "1024 65535" },
        { name: "net.ipv4.tcp_keepalive_time", value: "600" },
      ];
    },
  },
  {
    title: "seccomp Localhost (container)",
    change: (pod) => {
      sc(app(pod)).seccompProfile = { type: "Localhost", localhostProfile: "profiles/web.json" };
    },
  },
  {
    title: "NET_BIND_SERVICE added",
    change: (pod) => {
      sc(app(pod)).capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    },
  },
  {
    title: "a probe with no host",
    change: (pod) => {
      app(pod).livenessProbe = { httpGet: { path: "/healthz", port: 8080 } };
    },
  },
  {
    title: "persistentVolumeClaim, ephemeral, csi, projected, secret and downwardAPI volumes",
    change: (pod) => {
      (pod.spec.volumes ??= []).push(
        { name: "data", persistentVolumeClaim: { claimName: "data" } },
        {
          name: "scratch",
          ephemeral: {
            volumeClaimTemplate: {
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          },
        },
        {
          name: "store",
          csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "web" } },
        },
        { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "web" } }] } },
        { name: "tls", secret: { secretName: "web-tls" } },
        { name: "info", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
      );
    },
  },
];
