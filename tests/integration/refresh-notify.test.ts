import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as fs from "node:fs";
import * as path from "node:path";
import { baseArgs, mockWorkload } from "../components/mock-run";
import { AwsDouble } from "../runtime/doubles/aws";
import { isolatedEnv, SECRET_MARKER, startFetch, tempDir } from "../runtime/harness";
import { kubeletEnv } from "./pod-env";

/**
 * Both halves: the refresh sidecar of the rendered EKS pod (its own env, the downward-API fields,
 * what the webhook injects) against the AWS double, telling an app on 127.0.0.1 once per rotation.
 */
describe("integration: the rendered pod's refresh sidecar tells the app when a secret rotates", () => {
  let aws: AwsDouble;
  let app: http.Server;
  const requests: { method?: string; url?: string; generation: number }[] = [];
  let mount: string;
  before(async () => {
    aws = await new AwsDouble().start();
    mount = tempDir("sm-mount-");
    app = http.createServer((req, res) => {
      // The app reloads: it reads the file when told (and records which generation, never the value).
      const generation = Number(/gen-(\d+)$/.exec(fs.readFileSync(path.join(mount, "db"), "utf8"))?.[1]);
      requests.push({ method: req.method, url: req.url, generation });
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  });
  after(async () => {
    aws.close();
    await new Promise((r) => app.close(r));
  });

  it("EKS IRSA: each rotation of an existing secret (rotated outside Pulumi) reaches the app once", async () => {
    const arn = aws.putSecret("prod/db", `${SECRET_MARKER}-gen-0`);
    const port = (app.address() as AddressInfo).port;
    const w = await mockWorkload(
      "shop",
      baseArgs({
        namespace: "billing",
        mountPath: mount,
        eks: {
          oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
          oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
          roleName: "billing-fetch",
        },
        secrets: [{ name: "db", existing: { arn } }],
        refresh: { intervalSeconds: 10, notify: { http: { port, path: "/-/reload", method: "PUT" } } },
      }),
    );
    const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
    assert.equal(fetch.restartPolicy, "Always");
    const injected = aws.irsaEnv(tempDir());
    injected.AWS_ROLE_ARN = w.one("kubernetes:core/v1:ServiceAccount").metadata.annotations[
      "eks.amazonaws.com/role-arn"
    ];
    // SECRET_MOUNT_REFRESH_MS shortens the spec's 10 s minimum for the test.
    const sidecar = startFetch({
      env: isolatedEnv({
        ...injected,
        ...kubeletEnv(fetch, { name: "shop-7d9f8b6c5d-x2x9q", namespace: "billing" }),
        SECRET_MOUNT_REFRESH_MS: "50",
      }),
      timeoutMs: 30_000,
    });
    try {
      await sidecar.waitForLog((l) => l.event === "set-written");
      for (let n = 1; n <= 2; n++) {
        aws.putSecret("prod/db", `${SECRET_MARKER}-gen-${n}`);
        await sidecar.waitForLog(() => requests.length >= n);
      }
      const swaps = () => sidecar.logs.filter((l) => l.event === "refresh-unchanged").length;
      const seen = swaps();
      await sidecar.waitForLog(() => swaps() >= seen + 3);
      assert.deepEqual(requests, [
        { method: "PUT", url: "/-/reload", generation: 1 },
        { method: "PUT", url: "/-/reload", generation: 2 },
      ]);
      const notified = sidecar.logs.filter((l) => l.event === "app-notified");
      assert.deepEqual(
        notified.map((l) => [l.pod, l.namespace, l.status]),
        [
          ["shop-7d9f8b6c5d-x2x9q", "billing", 204],
          ["shop-7d9f8b6c5d-x2x9q", "billing", 204],
        ],
      );
    } finally {
      assert.equal((await sidecar.stop()).code, 0);
    }
  });
});
