import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  DeclarationError,
  SecretMountedTask,
  SecretMountedWorkload,
  type SecretMountedTaskArgs,
  type SecretMountedWorkloadArgs,
} from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { taskArgs } from "./ecs-mock";
import { baseArgs } from "./mock-run";

const ROOT = path.resolve(__dirname, "../..");

/** The error `create` throws, with nothing registered meanwhile. */
async function refusal(create: () => unknown): Promise<DeclarationError> {
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "proj", "dev", true);
  let thrown: unknown;
  try {
    create();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof DeclarationError, `expected a DeclarationError, got ${String(thrown)}`);
  assert.deepEqual(mocks.resources, [], "a refused declaration registers nothing");
  return thrown;
}

const workload = (args: SecretMountedWorkloadArgs) => refusal(() => new SecretMountedWorkload("web", args));
const task = (args: SecretMountedTaskArgs) => refusal(() => new SecretMountedTask("api", args));

const app = baseArgs().containers![0];
/** Three independent mistakes of a workload, each alone and all together. */
const MISTAKES: Array<Partial<SecretMountedWorkloadArgs>> = [
  { namespace: "kube-system" },
  { secrets: [{ name: "DB_PASSWORD", generate: { type: "password" } }] },
  { containers: [{ ...app, image: "" }] },
];

describe("a declaration with several mistakes: every one reported together, as Pulumi's own input errors", () => {
  it("three mistakes of a workload: one DeclarationError with all three, each line worded as when it is the only one", async () => {
    const alone = await Promise.all(MISTAKES.map((m) => workload(baseArgs(m))));
    const err = await workload(baseArgs(Object.assign({}, ...MISTAKES)));
    assert.deepEqual(
      err.problems.map((p) => p.field),
      ["namespace", "secrets[0].name", "containers[0].image"],
    );
    assert.deepEqual(
      err.message.split("\n"),
      alone.map((e) => e.message),
    );
    assert.equal(err.field, "namespace", "field and problem stay the first problem's");
    assert.ok(err.message.startsWith(alone[0].message));
  });

  it("is Pulumi's InputPropertiesError (the mark its provider server checks) with each property path and reason, and a RunError", async () => {
    const err = await workload(baseArgs(Object.assign({}, ...MISTAKES)));
    assert.ok(pulumi.InputPropertiesError.isInstance(err));
    assert.ok(pulumi.InputPropertyError.isInstance(err));
    assert.ok(pulumi.RunError.isInstance(err));
    assert.deepEqual(
      err.errors,
      err.problems.map((p) => ({ propertyPath: p.field, reason: p.problem })),
    );
    assert.equal(err.errors![0].propertyPath, "namespace");
    assert.match(err.errors![1].reason, /^"DB_PASSWORD" is not a DNS-1123 label/);
  });

  it("one mistake: Pulumi's InputPropertyError (propertyPath = the field as written, reason = the problem), message unchanged", async () => {
    const err = await workload(
      baseArgs({ secrets: [{ name: "db", generate: { type: "password" }, files: [{ path: "../up" }] }] }),
    );
    assert.ok(err instanceof pulumi.InputPropertyError);
    assert.ok(!pulumi.InputPropertiesError.isInstance(err), "one problem travels as one property error");
    assert.equal(err.propertyPath, "secrets[0].files[0].path");
    assert.equal(err.reason, err.problem);
    assert.equal(err.message, `web: ${err.field}: ${err.problem}`);
    assert.equal(err.errors, undefined);
  });

  it("each secret is checked on its own, by the shared checks and by the platform's", async () => {
    const shared = await workload(
      baseArgs({
        secrets: [
          { name: "a", generate: { type: "password", length: 3 } },
          { name: "b", value: pulumi.secret("x"), generate: { type: "password" } },
        ],
      }),
    );
    assert.deepEqual(
      shared.problems.map((p) => p.field),
      ["secrets[0].generate.length", "secrets[1]"],
    );
    const eks = await workload(
      baseArgs({
        secrets: [
          { name: "a", generate: { type: "password" }, aws: { store: "vault" as never } },
          { name: "b", generate: { type: "password" }, azure: {} },
        ],
      }),
    );
    assert.deepEqual(
      eks.problems.map((p) => p.field),
      ["secrets[0].aws.store", "secrets[1].azure"],
    );
  });

  it("every unknown field is named, not only the first", async () => {
    const err = await workload({ ...baseArgs(), namspace: "shop", replica: 2 } as never);
    assert.deepEqual(
      err.problems.map((p) => p.field),
      ["namspace", "replica"],
    );
  });

  it("ECS: each app container is checked on its own", async () => {
    const c = taskArgs().containers![0];
    const err = await task(
      taskArgs({
        containers: [
          { ...c, name: "a", user: "0:65532" },
          { ...c, name: "b", image: "" },
        ],
      }),
    );
    assert.deepEqual(
      err.problems.map((p) => p.field),
      ["containers[0].user", "containers[1].image"],
    );
  });

  it("checks that relate fields run once those fields are right: no second problem caused by the first", async () => {
    // secrets[1] is refused; the duplicate-name check, which needs every secret, does not run on a half-checked set.
    const err = await workload(
      baseArgs({
        secrets: [
          { name: "a", generate: { type: "password" } },
          { name: "a", generate: { type: "nope" as never } },
        ],
      }),
    );
    assert.deepEqual(
      err.problems.map((p) => p.field),
      ["secrets[1].generate.type"],
    );
  });
});

describe("npm run render: a declaration with three mistakes", () => {
  it("prints one line per problem, each worded as when alone, exits 2 and writes nothing", async function () {
    this.timeout(60000);
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-"));
    try {
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
            path.join(ROOT, "components/render/cli.ts"),
            path.join(ROOT, "tests/components/fixtures/declaration-error-program"),
            "--out",
            path.join(parent, "review"),
            "--stack",
            "three",
          ],
          { cwd: ROOT },
          (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual(
        r.stderr
          .trimEnd()
          .split("\n")
          .map((l) => l.split(": ").slice(0, 3).join(": ")),
        ["render: web: namespace", "render: web: secrets[0].name", "render: web: containers[0].image"],
        r.stderr,
      );
      assert.ok(
        r.stderr.startsWith(
          'render: web: namespace: "kube-system" belongs to the cluster itself; deploy the workload into its own namespace\n',
        ),
        r.stderr,
      );
      assert.deepEqual(fs.readdirSync(parent), []);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
