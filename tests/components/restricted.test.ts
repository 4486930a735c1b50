import assert from "node:assert/strict";
import { describeViolation, podSecurityViolations, tightenToRestricted } from "../../components/kubernetes/restricted";
import { restrictedViolations } from "../helpers/pod-security";
import { ALLOWED_CASES, FORBIDDEN_CASES } from "../helpers/pod-security-cases";

type Obj = Record<string, any>;

/** A restricted pod as the components write one: a hardened fetch init container, an app, a memory volume. */
function restrictedPod(): Obj {
  const hardened = () => ({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
  });
  return {
    metadata: { labels: { app: "web" } },
    spec: {
      securityContext: { runAsNonRoot: true, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [
        {
          name: "secret-mount-fetch",
          image: "fetch@sha256:" + "f".repeat(64),
          securityContext: { ...hardened(), runAsUser: 65532 },
          volumeMounts: [{ name: "secret-mount", mountPath: "/run/secrets/app" }],
        },
      ],
      containers: [
        {
          name: "web",
          image: "web@sha256:" + "a".repeat(64),
          securityContext: { ...hardened(), runAsUser: 10001 },
          volumeMounts: [{ name: "secret-mount", mountPath: "/run/secrets/app", readOnly: true }],
        },
      ],
      volumes: [{ name: "secret-mount", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
    },
  };
}

/**
 * The restricted-profile checker the components use (components/kubernetes/restricted.ts), held
 * to the independent test checker written from the Pod Security Standards' tables
 * (tests/helpers/pod-security.ts) on the shared cases; the real tier holds both to a real API
 * server's Pod Security admission.
 */
describe("restricted.ts: one restricted-profile checker for the workload component and adoption", () => {
  for (const c of FORBIDDEN_CASES) {
    it(`refuses ${c.title}, naming the control "${c.control}" and the admission check; the test checker agrees`, () => {
      const pod = restrictedPod();
      c.change(pod);
      const found = podSecurityViolations(pod.spec, pod.metadata);
      assert.ok(
        found.some((v) => v.control === c.control && v.check.length > 0),
        JSON.stringify(found),
      );
      assert.ok(restrictedViolations(pod.spec, pod.metadata).length > 0, "the test checker finds it too");
    });
  }

  for (const c of ALLOWED_CASES) {
    it(`accepts ${c.title}; the test checker agrees`, () => {
      const pod = restrictedPod();
      c.change(pod);
      assert.deepEqual(podSecurityViolations(pod.spec, pod.metadata), []);
      assert.deepEqual(restrictedViolations(pod.spec, pod.metadata), []);
    });
  }

  it("names where: the container (list, index, name) and the field in it, or the pod's field, or the annotation", () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.procMount = "Unmasked";
    pod.spec.securityContext.sysctls = [
      { name: "net.ipv4.tcp_syncookies", value: "1" },
      { name: "kernel.core_pattern", value: "x" },
    ];
    pod.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/web": "unconfined" };
    assert.deepEqual(
      podSecurityViolations(pod.spec, pod.metadata).map(({ control, check, level, container, field }) => ({
        control,
        check,
        level,
        container,
        field,
      })),
      [
        {
          control: "AppArmor",
          check: "appArmorProfile",
          level: "baseline",
          container: undefined,
          field: "metadata.annotations.container.apparmor.security.beta.kubernetes.io/web",
        },
        {
          control: "/proc Mount Type",
          check: "procMount",
          level: "baseline",
          container: { list: "containers", index: 0, name: "web" },
          field: "securityContext.procMount",
        },
        {
          control: "Sysctls",
          check: "sysctls",
          level: "baseline",
          container: undefined,
          field: "spec.securityContext.sysctls[1].name",
        },
      ],
    );
  });

  it("the rows an unset field breaks: reported by the checker, set by tightening (and only where unset)", () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext;
    delete pod.spec.containers[0].securityContext;
    assert.deepEqual(
      podSecurityViolations(pod.spec)
        .map((v) => `${v.container?.name} ${v.check}`)
        .sort(),
      [
        "secret-mount-fetch runAsNonRoot",
        "secret-mount-fetch seccompProfile_restricted",
        "web allowPrivilegeEscalation",
        "web capabilities_restricted",
        "web runAsNonRoot",
        "web seccompProfile_restricted",
      ],
    );
    const t = tightenToRestricted(pod.spec);
    assert.deepEqual(t.forbidden, []);
    assert.deepEqual(t.changes, [
      "securityContext.runAsNonRoot=true",
      "securityContext.seccompProfile.type=RuntimeDefault",
      'containers[0] "web" securityContext.allowPrivilegeEscalation=false',
      'containers[0] "web" securityContext.capabilities.drop+=ALL',
    ]);
    assert.equal(pod.spec.securityContext, undefined, "the input is not modified");
    // A value set to what the profile forbids is left as written and reported.
    const unconfined = restrictedPod();
    unconfined.spec.securityContext.seccompProfile = { type: "Unconfined" };
    const u = tightenToRestricted(unconfined.spec);
    assert.deepEqual(u.changes, []);
    assert.deepEqual(
      u.forbidden.map((v) => [v.control, v.check, v.container?.name, v.field]),
      [
        ["Seccomp", "seccompProfile_baseline", undefined, "spec.securityContext.seccompProfile.type"],
        // and so no container has an allowed profile (as admission says too)
        ["Seccomp", "seccompProfile_restricted", "secret-mount-fetch", "securityContext.seccompProfile"],
        ["Seccomp", "seccompProfile_restricted", "web", "securityContext.seccompProfile"],
      ],
    );
  });

  it("boundaries: hostPort 0, the pod's runAsNonRoot and seccomp cover every container, ephemeral containers count", () => {
    const pod = restrictedPod();
    pod.spec.containers[0].ports = [{ containerPort: 8080, hostPort: 0 }];
    delete pod.spec.containers[0].securityContext.runAsUser;
    assert.deepEqual(
      podSecurityViolations(pod.spec, pod.metadata),
      [],
      "hostPort 0 is no host port; the pod's runAsNonRoot and seccomp hold for its containers",
    );
    pod.spec.ephemeralContainers = [{ name: "debug", image: "busybox" }];
    assert.deepEqual(
      podSecurityViolations(pod.spec, pod.metadata).map((v) => [v.container?.list, v.container?.index, v.check]),
      [
        ["ephemeralContainers", 0, "allowPrivilegeEscalation"],
        ["ephemeralContainers", 0, "capabilities_restricted"],
      ],
    );
    pod.spec.securityContext.runAsNonRoot = undefined;
    assert.ok(
      podSecurityViolations(pod.spec).some((v) => v.container?.name === "web" && v.check === "runAsNonRoot"),
      "without the pod's, each container needs its own",
    );
  });

  it("describeViolation names the container and field, and the row of the Pod Security Standards", () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.privileged = true;
    pod.spec.hostNetwork = true;
    const described = podSecurityViolations(pod.spec, pod.metadata).map(describeViolation);
    assert.deepEqual(described, [
      {
        field: "spec.hostNetwork",
        problem:
          'is true; allowed: false or unset (Pod Security Standards, baseline profile: control "Host Namespaces", admission check hostNamespaces)',
      },
      {
        field: 'spec.containers[0] "web" securityContext.privileged',
        problem:
          'is true; allowed: false or unset (Pod Security Standards, baseline profile: control "Privileged Containers", admission check privileged)',
      },
    ]);
  });
});
