import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  AwsSecretStore,
  EcdsaCurve,
  EksIdentity,
  FileDecoding,
  GenerateType,
  GkeIdentity,
  PortProtocol,
  ProbeScheme,
  SecretMountedWorkload,
  WorkloadKind,
  type SecretMountedWorkloadArgs,
} from "../../components";
import { normalizeDeclaration } from "../../components/declarations";
import { OfflineMocks } from "../../components/render/offline-engine";
import { OIDC_ARN, OIDC_URL, mockWorkload } from "../components/mock-run";

// The string choices are `as const` objects for the multi-language schema. TypeScript callers keep
// writing plain strings: `npm run typecheck` compiles this file, so a choice that stops accepting
// its string literal (or starts accepting any string) fails the type-check before mocha runs.

const image = "registry.example.com/shop@sha256:" + "a".repeat(64);
const fetch = { image: "registry.example.com/secret-mount-fetch@sha256:" + "f".repeat(64) };

const withLiterals: SecretMountedWorkloadArgs = {
  eks: { identity: "irsa", oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
  secrets: [
    { name: "db-password", generate: { type: "password" } },
    { name: "signing", generate: { type: "ecdsa", ecdsaCurve: "P384" } },
    {
      name: "cert",
      value: "dmFsdWU=",
      files: [{ path: "cert.der", decode: "base64" }],
      aws: { store: "ssm-parameter" },
    },
  ],
  containers: [
    {
      name: "app",
      image,
      runAsUser: 10001,
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
      readinessProbe: { httpGet: { path: "/ready", port: 8080, scheme: "HTTP" } },
    },
  ],
  fetch,
};

const withEnums: SecretMountedWorkloadArgs = {
  eks: { identity: EksIdentity.Irsa, oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
  secrets: [
    { name: "db-password", generate: { type: GenerateType.Password } },
    { name: "signing", generate: { type: GenerateType.Ecdsa, ecdsaCurve: EcdsaCurve.P384 } },
    {
      name: "cert",
      value: "dmFsdWU=",
      files: [{ path: "cert.der", decode: FileDecoding.Base64 }],
      aws: { store: AwsSecretStore.SsmParameter },
    },
  ],
  containers: [
    {
      name: "app",
      image,
      runAsUser: 10001,
      ports: [{ name: "http", containerPort: 8080, protocol: PortProtocol.TCP }],
      readinessProbe: { httpGet: { path: "/ready", port: 8080, scheme: ProbeScheme.HTTP } },
    },
  ],
  fetch,
};

// Misspelt choices stay compile errors (each line fails `tsc` if the type widens to `string`).
// @ts-expect-error not an identity
const badIdentity: SecretMountedWorkloadArgs["eks"] = { identity: "iam-role" };
// @ts-expect-error not a generator
const badGenerate: SecretMountedWorkloadArgs["secrets"][number] = { name: "x", generate: { type: "pass" } };
// @ts-expect-error not a GKE identity
const badGkeIdentity: SecretMountedWorkloadArgs["gke"] = { identity: "workload-identity" };
// @ts-expect-error not a workload kind
const badKind: SecretMountedWorkloadArgs["kind"] = "DaemonSet";
// @ts-expect-error not a store
const badStore: SecretMountedWorkloadArgs["secrets"][number] = { name: "x", value: "v", aws: { store: "ssm" } };

describe("string choices: TypeScript callers pass plain strings or the enum constants", () => {
  it("both spellings are the same declaration", () => {
    assert.deepEqual(withLiterals, withEnums);
    const decl = normalizeDeclaration("shop", withLiterals);
    assert.deepEqual(
      decl.secrets.map((s) => s.generate?.type),
      ["password", "ecdsa", undefined],
    );
    assert.equal(decl.secrets[2].files[0].decode, "base64");
    assert.ok(badIdentity && badGenerate && badStore && badGkeIdentity);
  });

  it("GKE identity: the string and the enum constant are the same choice", () => {
    const gke: SecretMountedWorkloadArgs["gke"] = { identity: "google-service-account" };
    assert.deepEqual(gke, { identity: GkeIdentity.GoogleServiceAccount });
    assert.equal(GkeIdentity.Direct, "direct");
  });

  it("workload kind: the string and the enum constant are the same choice", () => {
    const kind: SecretMountedWorkloadArgs["kind"] = "CronJob";
    assert.equal(kind, WorkloadKind.CronJob);
    assert.ok(badKind);
  });

  it('decode "none" writes the value as it is (no decode in the FetchSpec)', () => {
    const decl = normalizeDeclaration("shop", {
      ...withLiterals,
      secrets: [{ name: "cert", value: "v", files: [{ path: "cert", decode: "none" }] }],
    });
    assert.equal(decl.secrets[0].files[0].decode, undefined);
  });

  it("own ProbeArgs and ResourcesArgs reach the pod as Kubernetes probes and resources", async () => {
    const probe = {
      httpGet: {
        path: "/ready",
        port: 8080,
        scheme: ProbeScheme.HTTPS,
        httpHeaders: [{ name: "X-Probe", value: "1" }],
      },
      periodSeconds: 5,
    };
    const live = { grpc: { port: 9090, service: "health" }, failureThreshold: 5 };
    const start = { exec: { command: ["/bin/ready"] }, initialDelaySeconds: 2 };
    const resources = {
      requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "10Mi" },
      limits: { memory: "128Mi" },
    };
    const w = await mockWorkload("shop", {
      ...withLiterals,
      containers: [
        { ...withLiterals.containers![0], readinessProbe: probe, livenessProbe: live, startupProbe: start, resources },
      ],
    });
    const app = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.containers[0];
    assert.deepEqual(app.readinessProbe, probe);
    assert.deepEqual(app.livenessProbe, live);
    assert.deepEqual(app.startupProbe, start);
    assert.deepEqual(app.resources, resources);
  });

  it("the component registers under the type token the schema declares", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const w = new SecretMountedWorkload("shop", withLiterals);
    const urn = await new Promise<string>((resolve) => w.urn.apply(resolve));
    assert.match(urn, /::secret-mount:index:SecretMountedWorkload::shop$/);
  });
});
