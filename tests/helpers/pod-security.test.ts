import assert from "node:assert/strict";
import { assertRestricted, restrictedViolations } from "./pod-security";

type Obj = Record<string, any>;

const hardened = () => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
});

// The shape the components aim for: fetch init container + app, memory emptyDir.
function compliantPod(): Obj {
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    },
    initContainers: [
      {
        name: "fetch",
        image: "fetch@sha256:" + "a".repeat(64),
        securityContext: hardened(),
        volumeMounts: [{ name: "secrets", mountPath: "/secrets" }],
      },
    ],
    containers: [
      {
        name: "app",
        image: "app:1",
        ports: [{ containerPort: 8080, name: "http" }],
        securityContext: hardened(),
        volumeMounts: [{ name: "secrets", mountPath: "/secrets", readOnly: true }],
      },
    ],
    volumes: [{ name: "secrets", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
  };
}

/** Break one thing in a compliant pod; every violation reported must belong to `control`. */
function expectOnly(control: string, mutate: (pod: Obj) => void, meta?: Obj): string[] {
  const pod = compliantPod();
  mutate(pod);
  const v = restrictedViolations(pod, meta);
  assert.ok(v.length > 0, `expected a ${control} violation, got none`);
  for (const line of v) assert.ok(line.startsWith(control), `unexpected violation: ${line}`);
  return v;
}

const app = (pod: Obj): Obj => pod.containers[0];
const fetch = (pod: Obj): Obj => pod.initContainers[0];

describe("pod-security: restrictedViolations", () => {
  it("passes the compliant pod (and assertRestricted does not throw)", () => {
    assert.deepEqual(restrictedViolations(compliantPod()), []);
    assertRestricted(compliantPod(), {
      annotations: { [`container.apparmor.security.beta.kubernetes.io/app`]: "runtime/default" },
    });
  });

  it("accepts per-container seccomp and runAsNonRoot instead of pod-level ones", () => {
    const pod = compliantPod();
    delete pod.securityContext.seccompProfile;
    delete pod.securityContext.runAsNonRoot;
    for (const c of [fetch(pod), app(pod)]) {
      c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
      c.securityContext.runAsNonRoot = true;
    }
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("HostProcess", () => {
    expectOnly("HostProcess", (p) => {
      p.securityContext.windowsOptions = { hostProcess: true };
    });
    expectOnly("HostProcess", (p) => {
      app(p).securityContext.windowsOptions = { hostProcess: true };
    });
  });

  it("Host Namespaces: hostNetwork, hostPID, hostIPC", () => {
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
      const v = expectOnly("Host Namespaces", (p) => {
        p[f] = true;
      });
      assert.match(v[0], new RegExp(f));
    }
  });

  it("Privileged Containers (init container too)", () => {
    const v = expectOnly("Privileged Containers", (p) => {
      fetch(p).securityContext.privileged = true;
    });
    assert.match(v[0], /initContainers\[0\] "fetch"/);
  });

  it("Capabilities: Baseline list and Restricted drop ALL / add only NET_BIND_SERVICE", () => {
    const sysAdmin = expectOnly("Capabilities", (p) => {
      app(p).securityContext.capabilities.add = ["SYS_ADMIN"];
    });
    assert.ok(sysAdmin.some((l) => l.startsWith("Capabilities (Baseline)")));
    assert.ok(sysAdmin.some((l) => l.startsWith("Capabilities (Restricted)")));
    // CHOWN is fine for Baseline but not for Restricted.
    assert.deepEqual(
      expectOnly("Capabilities (Restricted)", (p) => {
        app(p).securityContext.capabilities.add = ["CHOWN"];
      }).length,
      1,
    );
    expectOnly("Capabilities (Restricted)", (p) => {
      app(p).securityContext.capabilities.drop = ["NET_RAW"];
    });
    const pod = compliantPod();
    app(pod).securityContext.capabilities.add = ["NET_BIND_SERVICE"];
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("HostPath Volumes (also outside the Restricted volume list)", () => {
    const pod = compliantPod();
    pod.volumes.push({ name: "h", hostPath: { path: "/" } });
    const v = restrictedViolations(pod);
    assert.equal(v.length, 2, v.join("\n"));
    assert.ok(v.some((l) => l.startsWith("HostPath Volumes")));
    assert.ok(v.some((l) => l.startsWith("Volume Types")));
  });

  it("Host Ports (0 is allowed)", () => {
    expectOnly("Host Ports", (p) => {
      app(p).ports[0].hostPort = 8080;
    });
    const pod = compliantPod();
    app(pod).ports[0].hostPort = 0;
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("Host Probes / Lifecycle Hooks", () => {
    expectOnly("Host Probes / Lifecycle Hooks", (p) => {
      app(p).readinessProbe = { httpGet: { path: "/", port: 8080, host: "10.0.0.1" } };
    });
    expectOnly("Host Probes / Lifecycle Hooks", (p) => {
      fetch(p).lifecycle = { preStop: { tcpSocket: { port: 1, host: "example.com" } } };
    });
  });

  it("AppArmor: field and annotation", () => {
    expectOnly("AppArmor", (p) => {
      app(p).securityContext.appArmorProfile = { type: "Unconfined" };
    });
    expectOnly("AppArmor", (p) => {
      p.securityContext.appArmorProfile = { type: "Unconfined" };
    });
    expectOnly("AppArmor", () => {}, {
      annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" },
    });
  });

  it("SELinux: type outside the list, any user or role", () => {
    expectOnly("SELinux", (p) => {
      p.securityContext.seLinuxOptions = { type: "spc_t" };
    });
    expectOnly("SELinux", (p) => {
      app(p).securityContext.seLinuxOptions = { user: "system_u" };
    });
    expectOnly("SELinux", (p) => {
      fetch(p).securityContext.seLinuxOptions = { role: "sysadm_r" };
    });
    const pod = compliantPod();
    app(pod).securityContext.seLinuxOptions = { type: "container_t", level: "s0:c1,c2" };
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("/proc Mount Type", () => {
    expectOnly("/proc Mount Type", (p) => {
      app(p).securityContext.procMount = "Unmasked";
    });
  });

  it("Seccomp: Unconfined anywhere (Baseline), missing everywhere (Restricted)", () => {
    expectOnly("Seccomp (Baseline)", (p) => {
      fetch(p).securityContext.seccompProfile = { type: "Unconfined" };
    });
    const missing = expectOnly("Seccomp (Restricted)", (p) => {
      delete p.securityContext.seccompProfile;
    });
    assert.equal(missing.length, 2, "one line per container without a profile");
    // Pod-level unset, only one container sets it: the other is flagged.
    const partly = expectOnly("Seccomp (Restricted)", (p) => {
      delete p.securityContext.seccompProfile;
      app(p).securityContext.seccompProfile = { type: "RuntimeDefault" };
    });
    assert.equal(partly.length, 1);
    assert.match(partly[0], /"fetch"/);
  });

  it("Sysctls: only the safe set", () => {
    expectOnly("Sysctls", (p) => {
      p.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }];
    });
    const pod = compliantPod();
    pod.securityContext.sysctls = [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }];
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("Volume Types: nfs is not allowed, the eight listed types are", () => {
    expectOnly("Volume Types", (p) => {
      p.volumes.push({ name: "n", nfs: { server: "s", path: "/" } });
    });
    const pod = compliantPod();
    pod.volumes.push(
      { name: "a", configMap: { name: "c" } },
      { name: "b", csi: { driver: "d" } },
      { name: "c", downwardAPI: {} },
      { name: "d", ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: "e", persistentVolumeClaim: { claimName: "x" } },
      { name: "f", projected: { sources: [] } },
      { name: "g", secret: { secretName: "s" } },
    );
    assert.deepEqual(restrictedViolations(pod), []);
  });

  it("Privilege Escalation: must be explicitly false on every container", () => {
    expectOnly("Privilege Escalation", (p) => {
      delete fetch(p).securityContext.allowPrivilegeEscalation;
    });
    expectOnly("Privilege Escalation", (p) => {
      app(p).securityContext.allowPrivilegeEscalation = true;
    });
  });

  it("Running as Non-root: pod or every container true, none false", () => {
    expectOnly("Running as Non-root:", (p) => {
      delete p.securityContext.runAsNonRoot;
    });
    expectOnly("Running as Non-root:", (p) => {
      app(p).securityContext.runAsNonRoot = false;
    });
    expectOnly("Running as Non-root:", (p) => {
      p.securityContext.runAsNonRoot = false;
      app(p).securityContext.runAsNonRoot = true;
      fetch(p).securityContext.runAsNonRoot = true;
    });
  });

  it("Running as Non-root user: runAsUser 0 at pod or container level", () => {
    expectOnly("Running as Non-root user", (p) => {
      p.securityContext.runAsUser = 0;
    });
    expectOnly("Running as Non-root user", (p) => {
      fetch(p).securityContext.runAsUser = 0;
    });
  });

  it("checks ephemeralContainers as well", () => {
    const v = restrictedViolations({ ...compliantPod(), ephemeralContainers: [{ name: "debug", image: "busybox" }] });
    assert.ok(v.length >= 2);
    for (const line of v) assert.match(line, /spec\.ephemeralContainers\[0\] "debug"/);
  });

  it("relaxes only the Linux-only Restricted controls for spec.os.name=windows", () => {
    const pod: Obj = {
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "w", image: "w" }],
    };
    assert.deepEqual(restrictedViolations(pod), []);
    pod.hostNetwork = true;
    assert.deepEqual(restrictedViolations(pod).length, 1);
  });

  it("assertRestricted throws with every line", () => {
    const pod = compliantPod();
    pod.hostPID = true;
    app(pod).securityContext.privileged = true;
    assert.throws(
      () => assertRestricted(pod),
      (e: Error) =>
        /\(2\)/.test(e.message) && /Host Namespaces/.test(e.message) && /Privileged Containers/.test(e.message),
    );
  });
});
