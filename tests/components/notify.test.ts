import assert from "node:assert/strict";
import type { SecretMountedWorkloadArgs } from "../../components";
import { DeclarationError } from "../../components/core/declaration-error";
import { validateDeployment } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";
import { buildArtifacts, formatReview } from "../../components/render/artifacts";
import { DEFAULT_SCOPE, OfflineMocks } from "../../components/render/offline-engine";
import { aksArgs, AzureMocks, baseArgs, gkeArgs, mockWorkload } from "./mock-run";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const app = (runAsUser: number) => [
  { name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser },
];
const PLATFORMS = [
  ["EKS", (o: Partial<SecretMountedWorkloadArgs>) => baseArgs(o)],
  ["AKS", (o: Partial<SecretMountedWorkloadArgs>) => aksArgs(o)],
  ["GKE", (o: Partial<SecretMountedWorkloadArgs>) => gkeArgs(o)],
] as const;

describe("SecretMountedWorkload: refresh.notify, chosen per workload", () => {
  for (const [platform, args] of PLATFORMS) {
    it(`${platform}: each mode reaches the FetchSpec; signal shares the pod's process namespace, the others do not; the pod stays restricted`, async () => {
      for (const [notify, shared] of [
        [{ http: { port: 8080, path: "/-/reload" } }, false],
        [{ generationFile: {} }, false],
        [{ signal: { process: "nginx", signal: "SIGHUP" } }, true],
      ] as const) {
        const w = await mockWorkload(
          "shop",
          args({ refresh: { intervalSeconds: 60, notify }, containers: app(65532) }),
          new AzureMocks(),
        );
        const spec = JSON.parse(String(w.outputs.fetchSpec));
        assert.deepEqual([spec.mode, spec.notify], ["refresh", notify]);
        const d = w.one(DEPLOYMENT);
        assert.equal(d.spec.template.spec.shareProcessNamespace, shared ? true : undefined);
        assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
        validateDeployment({ apiVersion: "apps/v1", kind: "Deployment", ...d });
      }
    });

    it(`${platform}: a signal is refused at preview unless every app container runs as the fetcher's UID, naming why`, async () => {
      for (const containers of [
        app(10001),
        [{ name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64) }],
      ]) {
        await assert.rejects(
          mockWorkload(
            "shop",
            args({ refresh: { notify: { signal: { process: "nginx" } } }, containers }),
            new AzureMocks(),
          ),
          (e: unknown) => {
            assert.ok(e instanceof DeclarationError, String(e));
            assert.equal(e.field, "refresh.notify.signal");
            assert.match(
              e.message,
              /containers\[0\] \("app"\) runs as (UID 10001|its image's user).*only processes of its own UID.*restricted Pod Security Standard forbids the CAP_KILL.*runAsUser: 65532.*http or generationFile/,
            );
            return true;
          },
        );
      }
    });
  }

  const refused: [string, SecretMountedWorkloadArgs["refresh"], string, RegExp][] = [
    [
      "two modes",
      { notify: { http: { port: 8080 }, generationFile: {} } },
      "refresh.notify",
      /sets http and generationFile; set exactly one of http, signal, generationFile/,
    ],
    ["no mode", { notify: {} }, "refresh.notify", /is empty; set exactly one/],
    ["port 0", { notify: { http: { port: 0 } } }, "refresh.notify.http.port", /from 1 to 65535/],
    [
      "a path without /",
      { notify: { http: { port: 80, path: "reload" } } },
      "refresh.notify.http.path",
      /must start with "\/"/,
    ],
    [
      "an unknown method",
      { notify: { http: { port: 80, method: "DELETE" as never } } },
      "refresh.notify.http.method",
      /"POST", "PUT", "GET"/,
    ],
    [
      "SIGKILL",
      { notify: { signal: { process: "app", signal: "SIGKILL" as never } } },
      "refresh.notify.signal.signal",
      /"SIGHUP", "SIGUSR1", "SIGUSR2", "SIGTERM"/,
    ],
    [
      "a generation file on a secret's path",
      { notify: { generationFile: { path: "db-password" } } },
      "refresh.notify.generationFile.path",
      /is also the path of secrets\[0\]\.files\[0\]\.path/,
    ],
    [
      "an unknown field",
      { notify: { http: { port: 80, host: "10.0.0.1" } as never } },
      "refresh.notify.http.host",
      /not a known field/,
    ],
  ];
  for (const [label, refresh, field, message] of refused) {
    it(`refuses ${label} at preview, naming ${field}`, async () => {
      await assert.rejects(mockWorkload("shop", baseArgs({ refresh })), (e: unknown) => {
        assert.ok(e instanceof DeclarationError, String(e));
        assert.equal(e.field, field);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

describe("render review: what refresh.notify changes is shown", () => {
  async function reviewText(over: Partial<SecretMountedWorkloadArgs>) {
    const mocks = new OfflineMocks();
    const w = await mockWorkload("shop", baseArgs(over), mocks);
    const { entries, notes } = buildArtifacts(w.resources, {
      project: "p",
      stack: "example",
      placeholders: mocks.placeholders,
      scope: { ...DEFAULT_SCOPE, regionConfigured: true },
    });
    return formatReview("p (stack example)", entries, notes).replace(/\s+/g, " ");
  }

  it("names the notification, warns about a shared process namespace, and shows downward-API env as the pod's field", async () => {
    const signal = await reviewText({ refresh: { notify: { signal: { process: "nginx" } } }, containers: app(65532) });
    assert.match(signal, /once per new set: SIGHUP to processes named nginx/);
    assert.match(signal, /process namespace SHARED: containers see each other's processes/);
    assert.match(signal, /AWS_ROLE_SESSION_NAME=<pod's metadata\.name>/);
    const http = await reviewText({ refresh: { notify: { http: { port: 8080, path: "/-/reload" } } } });
    assert.match(http, /once per new set: POST http:\/\/127\.0\.0\.1:8080\/-\/reload/);
    assert.doesNotMatch(http, /process namespace SHARED/);
  });
});
