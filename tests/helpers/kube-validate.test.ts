import assert from "node:assert/strict";
import { validateDeployment, validateNamespace, validateServiceAccount } from "./kube-validate";

type Obj = Record<string, any>;

function goodDeployment(): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { "app.kubernetes.io/name": "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" }, annotations: { "secret-mount.io/spec-hash": "abc" } },
        spec: {
          serviceAccountName: "web-secrets",
          securityContext: { runAsNonRoot: true, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
          initContainers: [
            {
              name: "secret-fetch",
              image: "fetch:1",
              restartPolicy: "Always",
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [{ name: "secrets", mountPath: "/run/secrets/app" }],
            },
          ],
          containers: [
            {
              name: "web",
              image: "web:1",
              ports: [{ name: "http", containerPort: 8080 }],
              volumeMounts: [{ name: "secrets", mountPath: "/run/secrets/app", readOnly: true }],
            },
          ],
          volumes: [{ name: "secrets", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
        },
      },
    },
  };
}

const pod = (d: Obj): Obj => d.spec.template.spec;

/** Break a good Deployment one way and expect an error naming `path` (and `detail`, if given). */
function rejects(mutate: (d: Obj) => void, path: RegExp, detail?: RegExp): void {
  const d = goodDeployment();
  mutate(d);
  assert.throws(
    () => validateDeployment(d),
    (e: Error) => {
      assert.match(e.message, path);
      if (detail) assert.match(e.message, detail);
      return true;
    },
  );
}

describe("kube-validate: validateDeployment", () => {
  it("accepts a good Deployment (with or without apiVersion/kind)", () => {
    validateDeployment(goodDeployment());
    const { apiVersion: _a, kind: _k, ...bare } = goodDeployment();
    validateDeployment(bare);
  });

  it("schema: wrong type, missing required field, wrong kind", () => {
    rejects((d) => {
      pod(d).containers[0].ports[0].containerPort = "8080";
    }, /containers\/0\/ports\/0\/containerPort must be integer/);
    rejects((d) => {
      delete pod(d).containers[0].name;
    }, /containers\/0 must have required property name/);
    rejects((d) => {
      d.kind = "StatefulSet";
    }, /data\/kind/);
  });

  it("metadata.name must be a DNS-1123 subdomain, namespace a label", () => {
    rejects((d) => {
      d.metadata.name = "Web_App";
    }, /metadata\.name: "Web_App" is not a DNS-1123 subdomain/);
    rejects((d) => {
      d.metadata.namespace = "shop.eu";
    }, /metadata\.namespace: "shop\.eu" is not a DNS-1123 label/);
  });

  it("container names: DNS-1123 label, unique across init and app containers", () => {
    rejects((d) => {
      pod(d).containers[0].name = "Web";
    }, /spec\.template\.spec\.containers\[0\]\.name: "Web" is not a DNS-1123 label/);
    rejects((d) => {
      pod(d).initContainers[0].name = "x".repeat(64);
    }, /initContainers\[0\]\.name: .* longer than 63/);
    rejects((d) => {
      pod(d).containers[0].name = "secret-fetch";
    }, /containers\[0\]\.name: duplicate container name "secret-fetch" \(also spec\.template\.spec\.initContainers\[0\]\)/);
  });

  it("volume names: DNS-1123 label, unique", () => {
    rejects((d) => {
      pod(d).volumes.push({ name: "Cache", emptyDir: {} });
    }, /volumes\[1\]\.name: "Cache" is not a DNS-1123 label/);
    rejects((d) => {
      pod(d).volumes.push({ name: "secrets", emptyDir: {} });
    }, /volumes\[1\]\.name: duplicate volume name "secrets"/);
  });

  it("volumeMounts must reference an existing volume, one mountPath once", () => {
    rejects((d) => {
      pod(d).containers[0].volumeMounts[0].name = "secret";
    }, /containers\[0\]\.volumeMounts\[0\]\.name: "secret" does not name a volume/);
    rejects((d) => {
      pod(d).containers[0].volumeMounts.push({ name: "secrets", mountPath: "/run/secrets/app" });
    }, /containers\[0\]\.volumeMounts\[1\]\.mountPath: duplicate mountPath/);
  });

  it("port names must be IANA_SVC_NAME", () => {
    rejects((d) => {
      pod(d).containers[0].ports[0].name = "http-metrics-port";
    }, /ports\[0\]\.name: .* 1-15 characters/);
    rejects((d) => {
      pod(d).containers[0].ports[0].name = "HTTP";
    }, /ports\[0\]\.name: "HTTP" is not an IANA_SVC_NAME/);
    rejects((d) => {
      pod(d).containers[0].ports[0].name = "8080";
    }, /ports\[0\]\.name: "8080" is not an IANA_SVC_NAME/);
    rejects((d) => {
      pod(d).containers[0].ports[0].name = "a--b";
    }, /ports\[0\]\.name: "a--b"/);
  });

  it("unknown (misspelt) fields in pod spec, containers and security contexts", () => {
    rejects((d) => {
      pod(d).initContainers[0].securityContext.readOnlyRootFileSystem = true;
    }, /initContainers\[0\]\.securityContext\.readOnlyRootFileSystem: unknown field/);
    rejects((d) => {
      pod(d).securityContext.runAsNonroot = true;
    }, /spec\.template\.spec\.securityContext\.runAsNonroot: unknown field/);
    rejects((d) => {
      pod(d).containers[0].volumeMount = [];
    }, /containers\[0\]\.volumeMount: unknown field/);
    rejects((d) => {
      pod(d).containers[0].volumeMounts[0].readonly = true;
    }, /volumeMounts\[0\]\.readonly: unknown field/);
    rejects((d) => {
      pod(d).serviceAccountname = "x";
    }, /spec\.template\.spec\.serviceAccountname: unknown field/);
  });

  it("selector must match the template labels; labels must be valid", () => {
    rejects((d) => {
      d.spec.template.metadata.labels.app = "api";
    }, /spec\.selector\.matchLabels\["app"\]: does not match/);
    rejects((d) => {
      d.spec.selector = {};
    }, /spec\.selector: empty selector/);
    rejects((d) => {
      d.metadata.labels.team = "a b";
    }, /metadata\.labels\["team"\]: "a b" is not a valid label value/);
  });

  it("serviceAccountName must be a DNS-1123 subdomain", () => {
    rejects((d) => {
      pod(d).serviceAccountName = "Web_SA";
    }, /serviceAccountName: "Web_SA"/);
  });

  it("lists every problem in one error", () => {
    rejects((d) => {
      pod(d).containers[0].name = "Web";
      pod(d).containers[0].ports[0].name = "HTTP";
    }, /invalid \(2\):\n  - .*containers\[0\]\.name: "Web".*\n  - .*ports\[0\]\.name: "HTTP"/);
  });
});

describe("kube-validate: validateServiceAccount / validateNamespace", () => {
  const sa = () => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: "web-secrets",
      namespace: "shop",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/r" },
    },
  });

  it("accepts a good ServiceAccount and Namespace", () => {
    validateServiceAccount(sa());
    validateNamespace({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
  });

  it("ServiceAccount: bad name, non-string annotation, bad annotation key", () => {
    assert.throws(
      () => validateServiceAccount({ ...sa(), metadata: { ...sa().metadata, name: "Web" } }),
      /metadata\.name: "Web"/,
    );
    assert.throws(
      () => validateServiceAccount({ ...sa(), metadata: { name: "web", annotations: { a: true } } }),
      /metadata\/annotations\/a must be string/,
    );
    assert.throws(
      () => validateServiceAccount({ ...sa(), metadata: { name: "web", annotations: { "a/b/c": "x" } } }),
      /metadata\.annotations: key "a\/b\/c"/,
    );
  });

  it("Namespace: name must be a DNS-1123 label (no dots), no namespace field", () => {
    assert.throws(
      () => validateNamespace({ metadata: { name: "shop.eu" } }),
      /metadata\.name: "shop\.eu" is not a DNS-1123 label/,
    );
    assert.throws(() => validateNamespace({ metadata: { name: "shop", namespace: "x" } }), /cluster-scoped/);
  });
});
