/**
 * containers[].secretEnv (Kubernetes 1.35+ fileKeyRef env vars) and refresh.notify.restartPod
 * (Kubernetes 1.36+ RestartAllContainers): what reaches the pod and the FetchSpec, and what preview
 * refuses, naming the variable and the limit.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { SecretMountedWorkloadArgs } from "../../components";
import { DeclarationError } from "../../components/core/declaration-error";
import { DEFAULT_KUBELET_ENV_FILE } from "../../components/core/secret-env";
import { RESTART_POD_EXIT_CODE } from "../../spec/fetch-spec";
import { restrictedViolations } from "../helpers/pod-security";
import { AzureMocks, aksArgs, baseArgs, gkeArgs, mockWorkload } from "./mock-run";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const IMAGE = "registry.example.com/shop@sha256:" + "a".repeat(64);
const DECLARED = "decl-value-7c1e";

const withEnv = (secretEnv: Record<string, string>, over: Partial<SecretMountedWorkloadArgs> = {}) =>
  baseArgs({
    secrets: [
      { name: "db-password", generate: { type: "password" } },
      { name: "api", value: pulumi.secret(DECLARED) },
      { name: "tls", generate: { type: "ecdsa" } },
    ],
    containers: [{ name: "app", image: IMAGE, runAsUser: 10001, env: { LOG_LEVEL: "info" }, secretEnv }],
    ...over,
  });

async function refusedWith(args: SecretMountedWorkloadArgs, field: string, message: RegExp) {
  await assert.rejects(mockWorkload("shop", args), (e: unknown) => {
    assert.ok(e instanceof DeclarationError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
}

describe("SecretMountedWorkload: containers[].secretEnv (fileKeyRef, Kubernetes 1.35+)", () => {
  for (const [platform, args] of [
    ["EKS", baseArgs],
    ["AKS", aksArgs],
    ["GKE", gkeArgs],
  ] as const) {
    it(`${platform}: each variable is a fileKeyRef into the memory volume, the FetchSpec names the env file, no value in the pod spec`, async () => {
      const over = withEnv({ DB_PASSWORD: "db-password", API_TOKEN: "api", TLS_KEY: "tls.key" });
      const w = await mockWorkload(
        "shop",
        args({ secrets: over.secrets, containers: over.containers }),
        new AzureMocks(),
      );
      const spec = JSON.parse(String(w.outputs.fetchSpec));
      assert.deepEqual(spec.kubeletEnvFile, {
        path: DEFAULT_KUBELET_ENV_FILE,
        vars: { DB_PASSWORD: "db-password", API_TOKEN: "api", TLS_KEY: "tls.key" },
      });
      const d = w.one(DEPLOYMENT);
      const pod = d.spec.template.spec;
      const volume = pod.volumes.find((v: { emptyDir?: unknown }) => v.emptyDir).name;
      assert.deepEqual(pod.containers[0].env, [
        { name: "LOG_LEVEL", value: "info" },
        ...["DB_PASSWORD", "API_TOKEN", "TLS_KEY"].map((key) => ({
          name: key,
          valueFrom: { fileKeyRef: { volumeName: volume, path: DEFAULT_KUBELET_ENV_FILE, key } },
        })),
      ]);
      assert.ok(!JSON.stringify(d).includes(DECLARED), "the declared value is not in the pod spec");
      assert.deepEqual(restrictedViolations(pod, d.spec.template.metadata), []);
    });
  }

  const refused: [string, Record<string, string>, Partial<SecretMountedWorkloadArgs>, string, RegExp][] = [
    ["a name starting with #", { "#X": "api" }, {}, "containers[0].secretEnv.#X", /starts with '#'.*comment/],
    ["a name with =", { "A=B": "api" }, {}, "containers[0].secretEnv.A=B", /'='/],
    [
      "a name over 128 characters",
      { ["N".repeat(129)]: "api" },
      {},
      `containers[0].secretEnv.${"N".repeat(129)}`,
      /129 characters; the env file keeps names to 128/,
    ],
    [
      "a name also in env",
      { LOG_LEVEL: "api" },
      {},
      "containers[0].secretEnv.LOG_LEVEL",
      /also in containers\[0\]\.env/,
    ],
    [
      "an unknown target",
      { X: "nope" },
      {},
      "containers[0].secretEnv.X",
      /"nope" is neither a declared secret nor a declared file path/,
    ],
    [
      "a secret with two files",
      { X: "tls" },
      {},
      "containers[0].secretEnv.X",
      /secret "tls", which has 2 files \(tls\.key, tls\.pub\); name one of them/,
    ],
    [
      "a declared value with a single quote",
      { X: "q" },
      { secrets: [{ name: "q", value: "it's" }] },
      "containers[0].secretEnv.X",
      /secrets\[0\] \("q"\) contains a single quote/,
    ],
    [
      "an empty declared value",
      { X: "e" },
      { secrets: [{ name: "e", value: "" }] },
      "containers[0].secretEnv.X",
      /is empty, which the kubelet treats as a missing key/,
    ],
    [
      "a declared value over 32 KiB",
      { X: "big" },
      { secrets: [{ name: "big", value: "v".repeat(32 * 1024 + 1) }] },
      "containers[0].secretEnv.X",
      /32769 bytes, over the env file's limit of 32768 bytes per value/,
    ],
    [
      "a declared value with CR LF",
      { X: "crlf" },
      { secrets: [{ name: "crlf", value: "a\r\nb" }] },
      "containers[0].secretEnv.X",
      /carriage return before a line feed/,
    ],
    [
      "a generated password that may hold a quote",
      { X: "pw" },
      { secrets: [{ name: "pw", generate: { type: "password", specialCharacters: "!'#" } }] },
      "containers[0].secretEnv.X",
      /may contain a single quote.*specialCharacters/,
    ],
  ];
  for (const [label, secretEnv, over, field, message] of refused) {
    it(`refuses ${label} at preview, naming ${field}`, async () => {
      const args = withEnv(secretEnv);
      if (over.secrets) args.secrets = over.secrets;
      await refusedWith(args, field, message);
    });
  }

  it("refuses one name read from two files by two containers", async () => {
    const args = withEnv({ X: "api" });
    args.containers = [
      ...args.containers!,
      { name: "side", image: IMAGE, runAsUser: 10001, secretEnv: { X: "db-password" } },
    ];
    await refusedWith(
      args,
      "containers[1].secretEnv.X",
      /reads "db-password", but containers\[0\]\.secretEnv\.X reads "api" under the same name/,
    );
  });
});

describe("SecretMountedWorkload: refresh.notify.restartPod (RestartAllContainers, Kubernetes 1.36+)", () => {
  it("the fetch sidecar carries the restart rule on the dedicated exit code; the FetchSpec asks the fetcher for it", async () => {
    const w = await mockWorkload(
      "shop",
      withEnv({ DB_PASSWORD: "db-password" }, { refresh: { notify: { restartPod: { minIntervalSeconds: 120 } } } }),
    );
    const spec = JSON.parse(String(w.outputs.fetchSpec));
    assert.deepEqual(spec.notify, { restartPod: { minIntervalSeconds: 120 } });
    const fetcher = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    assert.equal(fetcher.restartPolicy, "Always");
    assert.deepEqual(fetcher.restartPolicyRules, [
      { action: "RestartAllContainers", exitCodes: { operator: "In", values: [RESTART_POD_EXIT_CODE] } },
    ]);
  });

  it("without restartPod the sidecar has no restart rule", async () => {
    const w = await mockWorkload("shop", baseArgs({ refresh: { notify: { generationFile: {} } } }));
    assert.equal(w.one(DEPLOYMENT).spec.template.spec.initContainers[0].restartPolicyRules, undefined);
  });

  it("refuses a minimum interval under 30 s, naming the field", () =>
    refusedWith(
      baseArgs({ refresh: { notify: { restartPod: { minIntervalSeconds: 10 } } } }),
      "refresh.notify.restartPod.minIntervalSeconds",
      /from 30 to 604800/,
    ));

  for (const kind of ["Job", "CronJob"] as const) {
    it(`refuses it for a ${kind} (its pods run to completion)`, () =>
      refusedWith(
        baseArgs({
          kind,
          ...(kind === "CronJob" ? { schedule: "0 * * * *" } : {}),
          refresh: { notify: { restartPod: {} } },
        }),
        "refresh.notify.restartPod",
        /pod restarted in place runs its work again from the start/,
      ));
  }
});
