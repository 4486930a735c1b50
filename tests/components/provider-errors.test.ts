import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { FETCH_IMAGE } from "./mock-run";

// What a Python, Go or .NET program using the generated SDK receives: the package runs behind
// @pulumi/pulumi's provider server, which turns an InputPropertiesError thrown by a component's
// constructor into a gRPC INVALID_ARGUMENT whose details list each property path and reason (any
// other error reaches the engine as an opaque message). The server is the real one; in front of it
// stands only what its Construct asks of the engine before the component runs (the resource
// monitor's SupportsFeature, answering no feature), as Pulumi's resource_grpc_pb defines it. The
// real engine prints these details in tests-real/engine-python-errors.test.ts.

const ROOT = path.resolve(__dirname, "../..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb.js");
const resourcePb = require("@pulumi/pulumi/proto/resource_pb.js");
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const providerPb = require("@pulumi/pulumi/proto/provider_pb.js");
const statusPb = require("@pulumi/pulumi/proto/status_pb.js");
const errorsPb = require("@pulumi/pulumi/proto/errors_pb.js");
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiDir] }));

type ConstructError = { code: number; details: string; metadata: { get(key: string): Array<string | Buffer> } };

describe("the component behind Pulumi's provider server (how other languages call it): input errors arrive structured", function () {
  this.timeout(120_000);
  let monitor: import("@grpc/grpc-js").Server;
  let monitorAddress: string;
  let host: ChildProcess | undefined;
  let client: { construct(req: unknown, cb: (err: ConstructError | null) => void): void; close(): void };

  before(async () => {
    monitor = new grpc.Server();
    monitor.addService(resourceGrpc.ResourceMonitorService, {
      supportsFeature: (_call: unknown, cb: (e: null, r: unknown) => void) =>
        cb(null, new resourcePb.SupportsFeatureResponse().setHassupport(false)),
    });
    const port = await new Promise<number>((resolve, reject) =>
      monitor.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    monitorAddress = `127.0.0.1:${port}`;
    host = spawn(
      process.execPath,
      [
        path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
        path.join(__dirname, "fixtures/component-provider.ts"),
        monitorAddress,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const providerPort = await new Promise<string>((resolve, reject) => {
      let out = "";
      host!.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.trim().split("\n")[0]);
      });
      host!.on("exit", (code) => reject(new Error(`the provider exited (${code}) before printing its port`)));
    });
    client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${providerPort}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    host?.kill();
    monitor?.forceShutdown();
  });

  /** Asks the provider to construct a SecretMountedWorkload named web from `inputs`, at preview; the error it answers. */
  const construct = (inputs: Record<string, unknown>) =>
    new Promise<ConstructError>((resolve, reject) => {
      const req = new providerPb.ConstructRequest()
        .setProject("proj")
        .setStack("dev")
        .setDryrun(true)
        .setParallel(1)
        .setMonitorendpoint(monitorAddress)
        .setType("secret-mount:index:SecretMountedWorkload")
        .setName("web")
        .setInputs(Struct.fromJavaScript(inputs));
      client.construct(req, (err) => (err ? resolve(err) : reject(new Error("the declaration was accepted"))));
    });

  /** The property errors in a gRPC error's google.rpc.Status details, as the engine reads them. */
  const propertyErrors = (err: ConstructError) => {
    const [bin] = err.metadata.get("grpc-status-details-bin");
    assert.ok(bin, `no structured details, an opaque error: ${err.details}`);
    const details = statusPb.Status.deserializeBinary(new Uint8Array(bin as Buffer)).getDetailsList();
    assert.deepEqual(
      details.map((d: { getTypeUrl(): string }) => d.getTypeUrl().split("/").pop()),
      ["pulumirpc.InputPropertiesError"],
    );
    return errorsPb.InputPropertiesError.deserializeBinary(details[0].getValue_asU8())
      .getErrorsList()
      .map((e: { getPropertyPath(): string; getReason(): string }) => ({
        path: e.getPropertyPath(),
        reason: e.getReason(),
      }));
  };

  const valid = {
    namespace: "shop",
    eks: { oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789" },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    containers: [{ name: "api", image: "registry.example.com/api@sha256:" + "a".repeat(64), runAsUser: 10001 }],
    fetch: { image: FETCH_IMAGE },
  };

  it("three mistakes: INVALID_ARGUMENT with the three property paths and reasons, worded as in TypeScript", async () => {
    const err = await construct({
      ...valid,
      namespace: "kube-system",
      secrets: [{ name: "DB_PASSWORD", generate: { type: "password" } }],
      containers: [{ ...valid.containers[0], image: "" }],
    });
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.details);
    const errors = propertyErrors(err);
    assert.deepEqual(
      errors.map((e: { path: string }) => e.path),
      ["namespace", "secrets[0].name", "containers[0].image"],
    );
    assert.equal(
      errors[0].reason,
      '"kube-system" belongs to the cluster itself; deploy the workload into its own namespace',
    );
    assert.match(errors[1].reason, /^"DB_PASSWORD" is not a DNS-1123 label/);
    assert.equal(errors[2].reason, "is required: give the image reference, ideally pinned by digest");
  });

  it("one mistake: one property error with its path", async () => {
    const err = await construct({
      ...valid,
      secrets: [{ name: "db", generate: { type: "password" }, files: [{ path: "../up" }] }],
    });
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.details);
    const errors = propertyErrors(err);
    assert.deepEqual(
      errors.map((e: { path: string }) => e.path),
      ["secrets[0].files[0].path"],
    );
    assert.match(errors[0].reason, /\.\./);
  });
});
