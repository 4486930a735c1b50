import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { Analyzer, type AnalyzeResult, type PropertyDefinition } from "@pulumi/pulumi/provider/experimental/analyzer.js";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema.js";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";

// The schema `pulumi package add` generates every language's SDK from, produced here by the same
// analyzer the CLI's plugin host runs (no CLI needed). A new arg the analyzer cannot express, or one
// that changes the contract below, fails this file.

const ROOT = path.resolve(__dirname, "../..");
const pkg = require(path.join(ROOT, "package.json")) as { name: string; version: string; description: string };
const TOKEN = "secret-mount:index:SecretMountedWorkload";
const TASK_TOKEN = "secret-mount:index:SecretMountedTask";

/** One property in a compact form: `string`, `Input<string>?`, `SecretArgs[]`, `{Input<string>}?`. */
function compact(p: PropertyDefinition, output = false): string {
  let t: string;
  if ("$ref" in p) t = p.$ref.startsWith("#/types/") ? p.$ref.slice(p.$ref.lastIndexOf(":") + 1) : p.$ref;
  else if (p.type === "array") t = `${compact(p.items!, output)}[]`;
  else if (p.type === "object") t = `{${compact(p.additionalProperties!, output)}}`;
  else t = p.type;
  if (!output && !p.plain) t = `Input<${t}>`;
  return t + (p.optional ? "?" : "");
}
const shape = (props: Record<string, PropertyDefinition>, output = false) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, compact(v, output)]));

// What README.md and the TSDoc promise: structural fields plain, values from other resources Inputs.
const INPUTS = {
  secrets: "SecretArgs[]", containers: "ContainerArgs[]", namespace: "string?", createNamespace: "boolean?",
  serviceAccountName: "string?", deploymentName: "string?", replicas: "number?", labels: "{string}?", mountPath: "string?",
  volumeSizeLimit: "string?", fileMode: "string?", fsGroup: "number?", refresh: "RefreshArgs?", envFile: "EnvFileArgs?",
  fetch: "FetchContainerArgs?", secretNamePrefix: "string?", eks: "EksPlatformArgs?", aks: "AksPlatformArgs?",
  gke: "GkePlatformArgs?",
};
const OUTPUTS = {
  roleArn: "string?", serviceAccountName: "string", deploymentName: "string", namespace: "string", mountPath: "string",
  fetchSpec: "string", permissionPolicy: "string?", trustPolicy: "string?",
  identityClientId: "string?", identityPrincipalId: "string?", vaultUri: "string?", roleAssignments: "string?", federatedCredential: "string?",
  iamMembers: "string?",
};
const OBJECT_TYPES: Record<string, Record<string, string>> = {
  SecretArgs: { name: "string", value: "Input<string>?", generate: "GenerateArgs?", existing: "ExistingSecretArgs?", files: "SecretFileArgs[]?", description: "string?", aws: "AwsSecretArgs?", azure: "AzureSecretArgs?", gcp: "GcpSecretArgs?" },
  GenerateArgs: { type: "GenerateType", length: "number?", lower: "boolean?", upper: "boolean?", numeric: "boolean?", special: "boolean?", specialCharacters: "string?", rsaBits: "number?", ecdsaCurve: "EcdsaCurve?", rotateEveryDays: "number?" },
  ExistingSecretArgs: { arn: "Input<string>?", name: "string?", kmsKeyArn: "Input<string>?" },
  SecretFileArgs: { path: "string", jsonKey: "string?", decode: "FileDecoding?", mode: "string?" },
  AzureSecretArgs: { secretName: "string?", version: "string?" },
  AwsSecretArgs: { store: "AwsSecretStore?", storeName: "string?", kmsKeyArn: "Input<string>?", recoveryWindowInDays: "number?" },
  ContainerArgs: {
    name: "string", image: "Input<string>", command: "Input<string>[]?", args: "Input<string>[]?", workingDir: "string?", env: "{Input<string>}?",
    ports: "ContainerPortArgs[]?", resources: "ResourcesArgs?", livenessProbe: "ProbeArgs?", readinessProbe: "ProbeArgs?", startupProbe: "ProbeArgs?",
    runAsUser: "number?", runAsGroup: "number?", readOnlyRootFilesystem: "boolean?",
  },
  ContainerPortArgs: { containerPort: "number", name: "string?", protocol: "PortProtocol?" },
  ResourcesArgs: { requests: "{string}?", limits: "{string}?" },
  ProbeArgs: {
    httpGet: "HttpGetProbeArgs?", tcpSocket: "TcpSocketProbeArgs?", exec: "ExecProbeArgs?", grpc: "GrpcProbeArgs?", initialDelaySeconds: "number?",
    periodSeconds: "number?", timeoutSeconds: "number?", successThreshold: "number?", failureThreshold: "number?", terminationGracePeriodSeconds: "number?",
  },
  HttpGetProbeArgs: { path: "string?", port: "number", scheme: "ProbeScheme?", httpHeaders: "HttpHeaderArgs[]?" },
  HttpHeaderArgs: { name: "string", value: "string" },
  TcpSocketProbeArgs: { port: "number" },
  ExecProbeArgs: { command: "string[]" },
  GrpcProbeArgs: { port: "number", service: "string?" },
  RefreshArgs: { intervalSeconds: "number?", notify: "NotifyArgs?" },
  NotifyArgs: { http: "HttpNotifyArgs?", signal: "SignalNotifyArgs?", generationFile: "GenerationFileNotifyArgs?" },
  HttpNotifyArgs: { port: "number", path: "string?", method: "NotifyMethod?" },
  SignalNotifyArgs: { process: "string", signal: "NotifySignal?" },
  GenerationFileNotifyArgs: { path: "string?" },
  EnvFileArgs: { path: "string?", vars: "{string}" },
  FetchContainerArgs: { image: "Input<string>?", timeoutSeconds: "number?", resources: "ResourcesArgs?" },
  TaskContainerArgs: {
    name: "string", image: "Input<string>", user: "string", command: "Input<string>[]?", entryPoint: "Input<string>[]?", workingDirectory: "string?",
    environment: "{Input<string>}?", cpu: "number?", memory: "number?", memoryReservation: "number?", portMappings: "EcsPortMappingArgs[]?",
    healthCheck: "EcsHealthCheckArgs?", logConfiguration: "EcsLogConfigurationArgs?", readonlyRootFilesystem: "boolean?", essential: "boolean?",
  },
  EcsPortMappingArgs: { containerPort: "number", hostPort: "number?", protocol: "EcsPortProtocol?", name: "string?" },
  EcsHealthCheckArgs: { command: "string[]", interval: "number?", timeout: "number?", retries: "number?", startPeriod: "number?" },
  EcsLogConfigurationArgs: { logDriver: "EcsLogDriver", options: "{Input<string>}?" },
  EcsNativeSecretArgs: { secret: "string", container: "string", name: "string", jsonKey: "string?" },
  EcsFetchContainerArgs: { image: "Input<string>?", timeoutSeconds: "number?", memoryReservation: "number?", memory: "number?" },
  EcsServiceArgs: { cluster: "Input<string>", desiredCount: "number?", network: "EcsNetworkArgs", name: "string?" },
  EcsNetworkArgs: { subnets: "Input<string>[]", securityGroups: "Input<string>[]?", assignPublicIp: "boolean?" },
  EksPlatformArgs: {
    identity: "EksIdentity?", oidcProviderArn: "Input<string>?", oidcIssuerUrl: "Input<string>?", clusterName: "Input<string>?",
    roleName: "Input<string>?", permissionsBoundaryArn: "Input<string>?", tags: "{Input<string>}?",
  },
  AksPlatformArgs: {
    oidcIssuerUrl: "Input<string>", resourceGroupName: "string", location: "Input<string>?", tenantId: "Input<string>?", subscriptionId: "Input<string>?",
    keyVault: "AksKeyVaultArgs?", identity: "AksExistingIdentityArgs?", identityName: "string?", roleScope: "AksRoleScope?", tags: "{Input<string>}?",
  },
  AksKeyVaultArgs: {
    id: "string?", name: "string?", existing: "boolean?", resourceGroupName: "string?", publicNetworkAccess: "AksPublicNetworkAccess?",
    softDeleteRetentionInDays: "number?", dnsSuffix: "string?",
  },
  AksExistingIdentityArgs: { resourceId: "string", clientId: "Input<string>", principalId: "Input<string>", federatedCredentialsInUse: "number?" },
  GkePlatformArgs: {
    identity: "GkeIdentity?", project: "Input<string>?", workloadPool: "Input<string>?", workloadPoolProjectNumber: "Input<string>?",
    googleServiceAccount: "GkeGoogleServiceAccountArgs?", labels: "{string}?",
  },
  GkeGoogleServiceAccountArgs: { accountId: "string?", email: "Input<string>?" },
  GcpSecretArgs: { secretId: "string?", location: "string?", replicas: "GcpReplicaArgs[]?", kmsKeyName: "Input<string>?", version: "string?" },
  GcpReplicaArgs: { location: "string", kmsKeyName: "Input<string>?" },
};
const ENUMS: Record<string, Record<string, string>> = {
  GenerateType: { Password: "password", Rsa: "rsa", Ecdsa: "ecdsa" },
  EcdsaCurve: { P256: "P256", P384: "P384", P521: "P521" },
  FileDecoding: { None: "none", Base64: "base64" },
  AwsSecretStore: { SecretsManager: "secrets-manager", SsmParameter: "ssm-parameter" },
  PortProtocol: { TCP: "TCP", UDP: "UDP", SCTP: "SCTP" },
  ProbeScheme: { HTTP: "HTTP", HTTPS: "HTTPS" },
  NotifyMethod: { Post: "POST", Put: "PUT", Get: "GET" },
  NotifySignal: { Hup: "SIGHUP", Usr1: "SIGUSR1", Usr2: "SIGUSR2", Term: "SIGTERM" },
  EksIdentity: { Irsa: "irsa", PodIdentity: "pod-identity" },
  EcsLaunchType: { Fargate: "FARGATE", Ec2: "EC2" },
  EcsPortProtocol: { Tcp: "tcp", Udp: "udp" },
  EcsLogDriver: { Awslogs: "awslogs", Awsfirelens: "awsfirelens", Splunk: "splunk", Fluentd: "fluentd", Gelf: "gelf", Journald: "journald", JsonFile: "json-file", Syslog: "syslog" },
  AksRoleScope: { Secret: "secret", Vault: "vault" },
  AksPublicNetworkAccess: { Enabled: "enabled", Disabled: "disabled" },
  GkeIdentity: { Direct: "direct", GoogleServiceAccount: "google-service-account" },
};

// SecretMountedTask: ECS-native args beside the workload's, sharing SecretArgs and EnvFileArgs.
const TASK_INPUTS = {
  secrets: "SecretArgs[]", containers: "TaskContainerArgs[]", launchType: "EcsLaunchType?", family: "string?", cpu: "number?", memory: "number?",
  mountPath: "string?", fileMode: "string?", fileGroup: "number?", volumeSizeMiB: "number?", envFile: "EnvFileArgs?", fetch: "EcsFetchContainerArgs?",
  secretNamePrefix: "string?", nativeSecrets: "EcsNativeSecretArgs[]?", service: "EcsServiceArgs?", logRetentionInDays: "number?",
  permissionsBoundaryArn: "Input<string>?", tags: "{Input<string>}?",
};
const TASK_OUTPUTS = {
  taskDefinitionArn: "string", family: "string", taskRoleArn: "string", executionRoleArn: "string", logGroupName: "string", serviceName: "string",
  mountPath: "string", fetchSpec: "string", containerDefinitions: "string", taskRolePolicy: "string", taskRoleTrustPolicy: "string",
  executionRolePolicy: "string", executionRoleTrustPolicy: "string",
};

describe("multi-language schema (Pulumi's component analyzer on this repository)", function () {
  this.timeout(120_000);
  let analysis: AnalyzeResult;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let schema: any;

  before(() => {
    const started = Date.now();
    analysis = new Analyzer(ROOT, pkg.name, pkg, new Set(["SecretMountedWorkload", "SecretMountedTask"])).analyze();
    schema = generateSchema(pkg.name, pkg.version, pkg.description, analysis.components, analysis.typeDefinitions, analysis.dependencies);
    console.log(`      (analyzer: ${Date.now() - started} ms)`);
  });

  it("PulumiPlugin.yaml says nodejs; the plugin host finds both components under the package's name, and their type tokens", () => {
    // What `pulumi package add` runs: require the package directory, collect the exported components,
    // and derive the provider name from package.json's name. Without a build, `main` (dist/) is
    // missing and Node falls back to the root index.ts, as the plugin host (ts-node) does.
    assert.deepEqual(parseYaml(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
    const components = getPulumiComponents(require(ROOT));
    assert.deepEqual(components.map((c) => c.name).sort(), ["SecretMountedTask", "SecretMountedWorkload"]);
    assert.equal(pkg.name, "secret-mount");
    assert.doesNotThrow(() => ComponentProvider.validateResourceType(pkg.name, TOKEN));
    assert.deepEqual(Object.keys(schema.resources).sort(), [TASK_TOKEN, TOKEN]);
    assert.equal(schema.resources[TOKEN].isComponent, true);
    assert.equal(schema.resources[TASK_TOKEN].isComponent, true);
    assert.doesNotThrow(() => ComponentProvider.validateResourceType(pkg.name, TASK_TOKEN));
    assert.deepEqual(analysis.dependencies, [], "no resource types from other packages in the args");
  });

  it("every input with its type, required or optional, plain or Input", () => {
    const r = schema.resources[TOKEN];
    assert.deepEqual(shape(r.inputProperties), INPUTS);
    assert.deepEqual(r.requiredInputs, ["containers", "secrets"]);
    assert.match(r.description, /A workload and its secrets/);
  });

  it("every output, each a string; a platform's own outputs optional", () => {
    const r = schema.resources[TOKEN];
    assert.deepEqual(shape(r.properties, true), OUTPUTS);
    assert.deepEqual(r.required, Object.entries(OUTPUTS).filter(([, t]) => !t.endsWith("?")).map(([k]) => k).sort());
  });

  it("every nested args type, property by property", () => {
    const objects = Object.fromEntries(Object.entries(schema.types as Record<string, { type: string; properties?: Record<string, PropertyDefinition> }>)
      .filter(([, t]) => t.type === "object")
      .map(([token, t]) => [token.slice(token.lastIndexOf(":") + 1), shape(t.properties!)]));
    assert.deepEqual(objects, OBJECT_TYPES);
    assert.deepEqual(schema.types["secret-mount:index:SecretArgs"].required, ["name"]);
    assert.deepEqual(schema.types["secret-mount:index:EksPlatformArgs"].required, []);
    assert.deepEqual(schema.types["secret-mount:index:AksPlatformArgs"].required, ["oidcIssuerUrl", "resourceGroupName"]);
    assert.deepEqual(schema.types["secret-mount:index:AksExistingIdentityArgs"].required, ["clientId", "principalId", "resourceId"]);
  });

  it("string choices are enums with their values and a description per value", () => {
    const enums = Object.fromEntries(Object.entries(schema.types as Record<string, { type: string; enum?: { name: string; value: string; description?: string }[] }>)
      .filter(([, t]) => t.enum)
      .map(([token, t]) => {
        assert.equal(t.type, "string", token);
        for (const m of t.enum!) assert.ok(m.description?.trim(), `${token}.${m.name} has no TSDoc`);
        return [token.slice(token.lastIndexOf(":") + 1), Object.fromEntries(t.enum!.map((m) => [m.name, m.value]))];
      }));
    assert.deepEqual(enums, ENUMS);
    const identity = schema.types["secret-mount:index:EksIdentity"].enum;
    assert.match(identity.find((m: { value: string }) => m.value === "pod-identity").description, /Pod Identity/);
  });

  it("SecretMountedTask: every input and output with its type (ECS-native args, the shared secret declarations)", () => {
    const r = schema.resources[TASK_TOKEN];
    assert.deepEqual(shape(r.inputProperties), TASK_INPUTS);
    assert.deepEqual(r.requiredInputs, ["containers", "secrets"]);
    assert.match(r.description, /An ECS task and its secrets/);
    assert.deepEqual(shape(r.properties, true), TASK_OUTPUTS);
    assert.deepEqual(r.required, Object.keys(TASK_OUTPUTS).sort());
  });

  it("every property and every type carries its TSDoc description", () => {
    const missing: string[] = [];
    const check = (where: string, props: Record<string, PropertyDefinition>) => {
      for (const [k, v] of Object.entries(props)) if (!v.description?.trim()) missing.push(`${where}.${k}`);
    };
    check("SecretMountedWorkload inputs", analysis.components.SecretMountedWorkload.inputs);
    check("SecretMountedWorkload outputs", analysis.components.SecretMountedWorkload.outputs);
    check("SecretMountedTask inputs", analysis.components.SecretMountedTask.inputs);
    check("SecretMountedTask outputs", analysis.components.SecretMountedTask.outputs);
    for (const [name, t] of Object.entries(analysis.typeDefinitions)) {
      if (!t.description?.trim()) missing.push(name);
      if (t.properties) check(name, t.properties);
    }
    assert.deepEqual(missing, []);
    assert.match(schema.resources[TOKEN].inputProperties.namespace.description, /default `default`/);
  });
});
