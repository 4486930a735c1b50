import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  Analyzer,
  type AnalyzeResult,
  type PropertyDefinition,
} from "@pulumi/pulumi/provider/experimental/analyzer.js";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema.js";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";

// The schema `pulumi package add` generates every language's SDK from, produced here by the same
// analyzer the CLI's plugin host runs (no CLI needed). A new arg the analyzer cannot express, or one
// that changes the contract below, fails this file.

const ROOT = path.resolve(__dirname, "../..");
const pkg = require(path.join(ROOT, "package.json")) as { name: string; version: string; description: string };
const TOKEN = "secret-mount:index:SecretMountedWorkload";
const TASK_TOKEN = "secret-mount:index:SecretMountedTask";
const IDENTITY_TOKENS = ["AksWorkloadIdentity", "EksWorkloadIdentity", "GkeWorkloadIdentity"].map(
  (c) => `secret-mount:index:${c}`,
);
const MOUNT_TOKEN = "secret-mount:index:SecretMount";

/** One property in a compact form: `string`, `Input<string>?`, `Secret[]`, `{Input<string>}?`. */
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

// What the docs and the TSDoc promise: structural fields plain, values from other resources Inputs.
const INPUTS = {
  secrets: "Secret[]",
  containers: "Container[]?",
  container: "Container?",
  namespace: "string?",
  createNamespace: "boolean?",
  serviceAccountName: "string?",
  deploymentName: "string?",
  kind: "WorkloadKind?",
  replicas: "number?",
  serviceName: "string?",
  schedule: "string?",
  backoffLimit: "number?",
  labels: "{string}?",
  podAnnotations: "{string}?",
  nodeSelector: "{string}?",
  tolerations: "Toleration[]?",
  affinity: "Affinity?",
  topologySpreadConstraints: "TopologySpreadConstraint[]?",
  imagePullSecrets: "string[]?",
  priorityClassName: "string?",
  terminationGracePeriodSeconds: "number?",
  mountPath: "string?",
  volumeSizeLimit: "string?",
  fileMode: "string?",
  fsGroup: "number?",
  refresh: "Refresh?",
  envFile: "EnvFile?",
  fetch: "FetchContainer?",
  secretNamePrefix: "string?",
  eks: "EksPlatform?",
  aks: "AksPlatform?",
  gke: "GkePlatform?",
  vault: "VaultBackend?",
};
const OUTPUTS = {
  roleArn: "string?",
  serviceAccountName: "string",
  workloadName: "string",
  deploymentName: "string",
  selectorLabels: "{string}",
  namespace: "string",
  mountPath: "string",
  fetchSpec: "string",
  permissionPolicy: "string?",
  trustPolicy: "string?",
  identityClientId: "string?",
  identityPrincipalId: "string?",
  vaultUri: "string?",
  roleAssignments: "string?",
  federatedCredential: "string?",
  iamMembers: "string?",
  googleServiceAccountEmail: "string?",
  vaultPolicy: "string?",
  vaultRole: "string?",
};
const OBJECT_TYPES: Record<string, Record<string, string>> = {
  Secret: {
    name: "string",
    value: "Input<string>?",
    generate: "Generate?",
    existing: "ExistingSecret?",
    files: "SecretFile[]?",
    description: "string?",
    aws: "AwsSecret?",
    azure: "AzureSecret?",
    gcp: "GcpSecret?",
    vault: "VaultSecret?",
  },
  Generate: {
    type: "GenerateType",
    length: "number?",
    lower: "boolean?",
    upper: "boolean?",
    numeric: "boolean?",
    special: "boolean?",
    specialCharacters: "string?",
    rsaBits: "number?",
    ecdsaCurve: "EcdsaCurve?",
    rotateEveryDays: "number?",
  },
  ExistingSecret: { arn: "Input<string>?", name: "string?", kmsKeyArn: "Input<string>?" },
  SecretFile: { path: "string", jsonKey: "string?", decode: "FileDecoding?", mode: "string?" },
  AzureSecret: { secretName: "string?", version: "string?" },
  AwsSecret: {
    store: "AwsSecretStore?",
    storeName: "string?",
    kmsKeyArn: "Input<string>?",
    recoveryWindowInDays: "number?",
  },
  Container: {
    name: "string",
    image: "Input<string>",
    command: "Input<string>[]?",
    args: "Input<string>[]?",
    workingDir: "string?",
    env: "{Input<string>}?",
    ports: "ContainerPort[]?",
    resources: "Resources?",
    livenessProbe: "Probe?",
    readinessProbe: "Probe?",
    startupProbe: "Probe?",
    runAsUser: "number?",
    runAsGroup: "number?",
    readOnlyRootFilesystem: "boolean?",
    secretEnv: "{string}?",
  },
  ContainerPort: { containerPort: "number", name: "string?", protocol: "PortProtocol?" },
  Resources: { requests: "{string}?", limits: "{string}?" },
  Probe: {
    httpGet: "HttpGetProbe?",
    tcpSocket: "TcpSocketProbe?",
    exec: "ExecProbe?",
    grpc: "GrpcProbe?",
    initialDelaySeconds: "number?",
    periodSeconds: "number?",
    timeoutSeconds: "number?",
    successThreshold: "number?",
    failureThreshold: "number?",
    terminationGracePeriodSeconds: "number?",
  },
  HttpGetProbe: { path: "string?", port: "number", scheme: "ProbeScheme?", httpHeaders: "HttpHeader[]?" },
  HttpHeader: { name: "string", value: "string" },
  TcpSocketProbe: { port: "number" },
  ExecProbe: { command: "string[]" },
  GrpcProbe: { port: "number", service: "string?" },
  Refresh: { intervalSeconds: "number?", notify: "Notify?" },
  Notify: {
    http: "HttpNotify?",
    signal: "SignalNotify?",
    generationFile: "GenerationFileNotify?",
    restartPod: "RestartPodNotify?",
  },
  HttpNotify: { port: "number", path: "string?", method: "NotifyMethod?" },
  SignalNotify: { process: "string", signal: "NotifySignal?" },
  GenerationFileNotify: { path: "string?" },
  RestartPodNotify: { minIntervalSeconds: "number?" },
  EnvFile: { path: "string?", vars: "{string}" },
  FetchContainer: { image: "Input<string>?", timeoutSeconds: "number?", resources: "Resources?" },
  Toleration: {
    key: "string?",
    operator: "TolerationOperator?",
    value: "string?",
    effect: "TaintEffect?",
    tolerationSeconds: "number?",
  },
  Affinity: { nodeAffinity: "NodeAffinity?", podAffinity: "PodAffinity?", podAntiAffinity: "PodAffinity?" },
  NodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: "NodeSelector?",
    preferredDuringSchedulingIgnoredDuringExecution: "PreferredSchedulingTerm[]?",
  },
  NodeSelector: { nodeSelectorTerms: "NodeSelectorTerm[]" },
  NodeSelectorTerm: { matchExpressions: "NodeSelectorRequirement[]?", matchFields: "NodeSelectorRequirement[]?" },
  NodeSelectorRequirement: { key: "string", operator: "NodeSelectorOperator", values: "string[]?" },
  PreferredSchedulingTerm: { weight: "number", preference: "NodeSelectorTerm" },
  PodAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: "PodAffinityTerm[]?",
    preferredDuringSchedulingIgnoredDuringExecution: "WeightedPodAffinityTerm[]?",
  },
  PodAffinityTerm: {
    labelSelector: "LabelSelector?",
    namespaces: "string[]?",
    namespaceSelector: "LabelSelector?",
    topologyKey: "string",
  },
  WeightedPodAffinityTerm: { weight: "number", podAffinityTerm: "PodAffinityTerm" },
  LabelSelector: { matchLabels: "{string}?", matchExpressions: "LabelSelectorRequirement[]?" },
  LabelSelectorRequirement: { key: "string", operator: "LabelSelectorOperator", values: "string[]?" },
  TopologySpreadConstraint: {
    maxSkew: "number",
    topologyKey: "string",
    whenUnsatisfiable: "WhenUnsatisfiable",
    labelSelector: "LabelSelector?",
    minDomains: "number?",
    nodeAffinityPolicy: "NodeInclusionPolicy?",
    nodeTaintsPolicy: "NodeInclusionPolicy?",
    matchLabelKeys: "string[]?",
  },
  TaskContainer: {
    name: "string",
    image: "Input<string>",
    user: "string?",
    command: "Input<string>[]?",
    entryPoint: "Input<string>[]?",
    workingDirectory: "string?",
    environment: "{Input<string>}?",
    cpu: "number?",
    memory: "number?",
    memoryReservation: "number?",
    portMappings: "EcsPortMapping[]?",
    healthCheck: "EcsHealthCheck?",
    logConfiguration: "EcsLogConfiguration?",
    readonlyRootFilesystem: "boolean?",
    essential: "boolean?",
  },
  EcsPortMapping: { containerPort: "number", hostPort: "number?", protocol: "EcsPortProtocol?", name: "string?" },
  EcsHealthCheck: {
    command: "string[]",
    interval: "number?",
    timeout: "number?",
    retries: "number?",
    startPeriod: "number?",
  },
  EcsLogConfiguration: { logDriver: "EcsLogDriver", options: "{Input<string>}?" },
  EcsNativeSecret: { secret: "string", container: "string", name: "string", jsonKey: "string?" },
  EcsFetchContainer: {
    image: "Input<string>?",
    timeoutSeconds: "number?",
    memoryReservation: "number?",
    memory: "number?",
  },
  EcsService: { cluster: "Input<string>", desiredCount: "number?", network: "EcsNetwork", name: "string?" },
  EcsNetwork: { subnets: "Input<string>[]", securityGroups: "Input<string>[]?", assignPublicIp: "boolean?" },
  EksPlatform: {
    identity: "EksIdentity?",
    oidcProviderArn: "Input<string>?",
    oidcIssuerUrl: "Input<string>?",
    clusterName: "Input<string>?",
    roleName: "Input<string>?",
    permissionsBoundaryArn: "Input<string>?",
    tags: "{Input<string>}?",
  },
  AksPlatform: {
    oidcIssuerUrl: "Input<string>",
    resourceGroupName: "Input<string>?",
    location: "Input<string>?",
    tenantId: "Input<string>?",
    subscriptionId: "Input<string>?",
    keyVault: "AksKeyVault?",
    identity: "AksExistingIdentity?",
    identityName: "string?",
    roleScope: "AksRoleScope?",
    tags: "{Input<string>}?",
  },
  AksKeyVault: {
    id: "Input<string>?",
    name: "string?",
    existing: "boolean?",
    resourceGroupName: "Input<string>?",
    publicNetworkAccess: "AksPublicNetworkAccess?",
    softDeleteRetentionInDays: "number?",
    dnsSuffix: "string?",
  },
  AksExistingIdentity: {
    resourceId: "Input<string>",
    clientId: "Input<string>",
    principalId: "Input<string>",
    federatedCredentialsInUse: "number?",
  },
  GkePlatform: {
    identity: "GkeIdentity?",
    project: "Input<string>?",
    workloadPool: "Input<string>?",
    workloadPoolProjectNumber: "Input<string>?",
    googleServiceAccount: "GkeGoogleServiceAccount?",
    labels: "{string}?",
  },
  GkeGoogleServiceAccount: { accountId: "string?", email: "Input<string>?" },
  GcpSecret: {
    secretId: "string?",
    location: "string?",
    replicas: "GcpReplica[]?",
    kmsKeyName: "Input<string>?",
    version: "string?",
  },
  GcpReplica: { location: "string", kmsKeyName: "Input<string>?" },
  VaultBackend: {
    address: "string",
    insecureHttp: "boolean?",
    caCertificate: "Input<string>?",
    namespace: "string?",
    authMount: "string?",
    kvMount: "string?",
    role: "VaultRole?",
    policy: "VaultPolicy?",
  },
  VaultRole: { name: "string?", existing: "boolean?", audience: "string?", tokenTtlSeconds: "number?" },
  VaultPolicy: { name: "string?", existing: "boolean?" },
  VaultSecret: { mount: "string?", path: "string?", version: "number?" },
  AwsPolicyStatement: {
    sid: "string?",
    effect: "AwsPolicyEffect?",
    actions: "string[]",
    resources: "Input<string>[]",
    conditions: "AwsPolicyCondition[]?",
    allowAnyResource: "boolean?",
  },
  AwsPolicyCondition: { test: "string", variable: "string", values: "Input<string>[]" },
  AksRoleAssignment: { roleDefinitionId: "Input<string>", scope: "Input<string>", description: "string?" },
  GkeIamBinding: { kind: "GcpIamResourceKind", resource: "Input<string>", role: "string" },
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
  EcsLogDriver: {
    Awslogs: "awslogs",
    Awsfirelens: "awsfirelens",
    Splunk: "splunk",
    Fluentd: "fluentd",
    Gelf: "gelf",
    Journald: "journald",
    JsonFile: "json-file",
    Syslog: "syslog",
  },
  AksRoleScope: { Secret: "secret", Vault: "vault" },
  AksPublicNetworkAccess: { Enabled: "enabled", Disabled: "disabled" },
  GkeIdentity: { Direct: "direct", GoogleServiceAccount: "google-service-account" },
  AwsPolicyEffect: { Allow: "Allow", Deny: "Deny" },
  GcpIamResourceKind: {
    Project: "project",
    Secret: "secret",
    RegionalSecret: "regional-secret",
    Bucket: "bucket",
    PubsubTopic: "pubsub-topic",
    PubsubSubscription: "pubsub-subscription",
  },
  WorkloadKind: { Deployment: "Deployment", StatefulSet: "StatefulSet", Job: "Job", CronJob: "CronJob" },
  TolerationOperator: { Equal: "Equal", Exists: "Exists" },
  TaintEffect: { NoSchedule: "NoSchedule", PreferNoSchedule: "PreferNoSchedule", NoExecute: "NoExecute" },
  NodeSelectorOperator: {
    In: "In",
    NotIn: "NotIn",
    Exists: "Exists",
    DoesNotExist: "DoesNotExist",
    Gt: "Gt",
    Lt: "Lt",
  },
  LabelSelectorOperator: { In: "In", NotIn: "NotIn", Exists: "Exists", DoesNotExist: "DoesNotExist" },
  WhenUnsatisfiable: { DoNotSchedule: "DoNotSchedule", ScheduleAnyway: "ScheduleAnyway" },
  NodeInclusionPolicy: { Honor: "Honor", Ignore: "Ignore" },
};

// The identity pieces on their own: one ServiceAccount, the permissions the user gives it.
const IDENTITY: Record<
  string,
  { inputs: Record<string, string>; required: string[]; outputs: Record<string, string> }
> = {
  EksWorkloadIdentity: {
    inputs: {
      namespace: "string",
      serviceAccountName: "string",
      createServiceAccount: "boolean?",
      identity: "EksIdentity?",
      oidcProviderArn: "Input<string>?",
      oidcIssuerUrl: "Input<string>?",
      clusterName: "Input<string>?",
      roleName: "Input<string>?",
      permissionsBoundaryArn: "Input<string>?",
      statements: "AwsPolicyStatement[]?",
      statement: "AwsPolicyStatement?",
      managedPolicyArns: "Input<string>[]?",
      tags: "{Input<string>}?",
    },
    required: ["namespace", "serviceAccountName"],
    outputs: {
      roleArn: "string",
      roleName: "string",
      trustPolicy: "string",
      permissionPolicy: "string?",
      serviceAccountAnnotations: "{string}",
      namespace: "string",
      serviceAccountName: "string",
    },
  },
  AksWorkloadIdentity: {
    inputs: {
      namespace: "string",
      serviceAccountName: "string",
      createServiceAccount: "boolean?",
      oidcIssuerUrl: "Input<string>",
      resourceGroupName: "Input<string>?",
      location: "Input<string>?",
      tenantId: "Input<string>?",
      identity: "AksExistingIdentity?",
      identityName: "string?",
      roleAssignments: "AksRoleAssignment[]",
      tags: "{Input<string>}?",
    },
    required: ["namespace", "oidcIssuerUrl", "roleAssignments", "serviceAccountName"],
    outputs: {
      clientId: "string",
      principalId: "string",
      tenantId: "string",
      federatedCredential: "string",
      roleAssignments: "string",
      serviceAccountAnnotations: "{string}",
      podLabels: "{string}",
      namespace: "string",
      serviceAccountName: "string",
    },
  },
  GkeWorkloadIdentity: {
    inputs: {
      namespace: "string",
      serviceAccountName: "string",
      createServiceAccount: "boolean?",
      identity: "GkeIdentity?",
      project: "Input<string>?",
      workloadPool: "Input<string>?",
      workloadPoolProjectNumber: "Input<string>?",
      googleServiceAccount: "GkeGoogleServiceAccount?",
      bindings: "GkeIamBinding[]?",
      binding: "GkeIamBinding?",
    },
    required: ["namespace", "serviceAccountName"],
    outputs: {
      member: "string",
      googleServiceAccountEmail: "string?",
      iamMembers: "string",
      serviceAccountAnnotations: "{string}",
      namespace: "string",
      serviceAccountName: "string",
    },
  },
};

// SecretMount: the workload's secrets and platforms for pods declared elsewhere; its wiring is a
// JSON document (a pod-spec fragment has no schema type without Kubernetes' own types).
const MOUNT_INPUTS = {
  secrets: "Secret[]",
  namespace: "string?",
  serviceAccountName: "string?",
  createServiceAccount: "boolean?",
  mountInto: "string[]?",
  mountPath: "string?",
  volumeSizeLimit: "string?",
  fileMode: "string?",
  fsGroup: "number?",
  allowPersistentVolumeGroupChange: "boolean?",
  refresh: "Refresh?",
  envFile: "EnvFile?",
  fetch: "FetchContainer?",
  secretNamePrefix: "string?",
  eks: "EksPlatform?",
  aks: "AksPlatform?",
  gke: "GkePlatform?",
  vault: "VaultBackend?",
};
const MOUNT_OUTPUTS = {
  serviceAccountName: "string",
  namespace: "string",
  mountPath: "string",
  fetchSpec: "string",
  serviceAccountAnnotations: "{string}",
  podWiring: "string",
  roleArn: "string?",
  permissionPolicy: "string?",
  trustPolicy: "string?",
  identityClientId: "string?",
  identityPrincipalId: "string?",
  vaultUri: "string?",
  roleAssignments: "string?",
  federatedCredential: "string?",
  iamMembers: "string?",
  googleServiceAccountEmail: "string?",
  vaultPolicy: "string?",
  vaultRole: "string?",
};

// SecretMountedTask: ECS-native args beside the workload's, sharing Secret and EnvFile.
const TASK_INPUTS = {
  secrets: "Secret[]",
  containers: "TaskContainer[]?",
  container: "TaskContainer?",
  launchType: "EcsLaunchType?",
  family: "string?",
  cpu: "number?",
  memory: "number?",
  mountInto: "string[]?",
  mountPath: "string?",
  fileMode: "string?",
  fileGroup: "number?",
  volumeSizeMiB: "number?",
  envFile: "EnvFile?",
  fetch: "EcsFetchContainer?",
  secretNamePrefix: "string?",
  nativeSecrets: "EcsNativeSecret[]?",
  service: "EcsService?",
  logRetentionInDays: "number?",
  permissionsBoundaryArn: "Input<string>?",
  tags: "{Input<string>}?",
};
const TASK_OUTPUTS = {
  taskDefinitionArn: "string",
  family: "string",
  taskRoleArn: "string",
  executionRoleArn: "string",
  logGroupName: "string",
  serviceName: "string",
  mountPath: "string",
  fetchSpec: "string",
  containerDefinitions: "string",
  taskRolePolicy: "string",
  taskRoleTrustPolicy: "string",
  executionRolePolicy: "string",
  executionRoleTrustPolicy: "string",
};

describe("multi-language schema (Pulumi's component analyzer on this repository)", function () {
  this.timeout(120_000);
  let analysis: AnalyzeResult;
  let schema: any;

  before(() => {
    const started = Date.now();
    analysis = new Analyzer(
      ROOT,
      pkg.name,
      pkg,
      new Set(["SecretMountedWorkload", "SecretMountedTask", "SecretMount", ...Object.keys(IDENTITY)]),
    ).analyze();
    schema = generateSchema(
      pkg.name,
      pkg.version,
      pkg.description,
      analysis.components,
      analysis.typeDefinitions,
      analysis.dependencies,
    );
    console.log(`      (analyzer: ${Date.now() - started} ms)`);
  });

  it("PulumiPlugin.yaml says nodejs; the plugin host finds every component under the package's name, and their type tokens", () => {
    // What `pulumi package add` runs: require the package directory, collect the exported components,
    // and derive the provider name from package.json's name. Without a build, `main` (dist/) is
    // missing and Node falls back to the root index.ts, as the plugin host (ts-node) does.
    assert.deepEqual(parseYaml(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
    const components = getPulumiComponents(require(ROOT));
    assert.deepEqual(components.map((c) => c.name).sort(), [
      "AksWorkloadIdentity",
      "EksWorkloadIdentity",
      "GkeWorkloadIdentity",
      "SecretMount",
      "SecretMountedTask",
      "SecretMountedWorkload",
    ]);
    assert.equal(pkg.name, "secret-mount");
    assert.doesNotThrow(() => ComponentProvider.validateResourceType(pkg.name, TOKEN));
    assert.deepEqual(Object.keys(schema.resources).sort(), [...IDENTITY_TOKENS, MOUNT_TOKEN, TASK_TOKEN, TOKEN]);
    for (const t of IDENTITY_TOKENS) {
      assert.equal(schema.resources[t].isComponent, true, t);
      assert.doesNotThrow(() => ComponentProvider.validateResourceType(pkg.name, t));
    }
    assert.equal(schema.resources[MOUNT_TOKEN].isComponent, true);
    assert.equal(schema.resources[TOKEN].isComponent, true);
    assert.equal(schema.resources[TASK_TOKEN].isComponent, true);
    assert.doesNotThrow(() => ComponentProvider.validateResourceType(pkg.name, TASK_TOKEN));
    assert.deepEqual(analysis.dependencies, [], "no resource types from other packages in the args");
  });

  it("every input with its type, required or optional, plain or Input", () => {
    const r = schema.resources[TOKEN];
    assert.deepEqual(shape(r.inputProperties), INPUTS);
    assert.deepEqual(r.requiredInputs, ["secrets"]);
    assert.match(r.description, /A workload and its secrets/);
  });

  it("every output, each a string; a platform's own outputs optional", () => {
    const r = schema.resources[TOKEN];
    assert.deepEqual(shape(r.properties, true), OUTPUTS);
    assert.deepEqual(
      r.required,
      Object.entries(OUTPUTS)
        .filter(([, t]) => !t.endsWith("?"))
        .map(([k]) => k)
        .sort(),
    );
  });

  it("every nested args type, property by property", () => {
    const objects = Object.fromEntries(
      Object.entries(schema.types as Record<string, { type: string; properties?: Record<string, PropertyDefinition> }>)
        .filter(([, t]) => t.type === "object")
        .map(([token, t]) => [token.slice(token.lastIndexOf(":") + 1), shape(t.properties!)]),
    );
    assert.deepEqual(objects, OBJECT_TYPES);
    assert.deepEqual(schema.types["secret-mount:index:Secret"].required, ["name"]);
    assert.deepEqual(schema.types["secret-mount:index:EksPlatform"].required, []);
    assert.deepEqual(schema.types["secret-mount:index:AksPlatform"].required, ["oidcIssuerUrl"]);
    assert.deepEqual(schema.types["secret-mount:index:AksExistingIdentity"].required, [
      "clientId",
      "principalId",
      "resourceId",
    ]);
  });

  it("string choices are enums with their values and a description per value", () => {
    const enums = Object.fromEntries(
      Object.entries(
        schema.types as Record<
          string,
          { type: string; enum?: { name: string; value: string; description?: string }[] }
        >,
      )
        .filter(([, t]) => t.enum)
        .map(([token, t]) => {
          assert.equal(t.type, "string", token);
          for (const m of t.enum!) assert.ok(m.description?.trim(), `${token}.${m.name} has no TSDoc`);
          return [token.slice(token.lastIndexOf(":") + 1), Object.fromEntries(t.enum!.map((m) => [m.name, m.value]))];
        }),
    );
    assert.deepEqual(enums, ENUMS);
    const identity = schema.types["secret-mount:index:EksIdentity"].enum;
    assert.match(identity.find((m: { value: string }) => m.value === "pod-identity").description, /Pod Identity/);
  });

  it("SecretMountedTask: every input and output with its type (ECS-native args, the shared secret declarations)", () => {
    const r = schema.resources[TASK_TOKEN];
    assert.deepEqual(shape(r.inputProperties), TASK_INPUTS);
    assert.deepEqual(r.requiredInputs, ["secrets"]);
    assert.match(r.description, /An ECS task and its secrets/);
    assert.deepEqual(shape(r.properties, true), TASK_OUTPUTS);
    assert.deepEqual(r.required, Object.keys(TASK_OUTPUTS).sort());
  });

  for (const [component, expected] of Object.entries(IDENTITY)) {
    it(`${component}: every input and output with its type (the identity on its own)`, () => {
      const r = schema.resources[`secret-mount:index:${component}`];
      assert.deepEqual(shape(r.inputProperties), expected.inputs);
      assert.deepEqual(r.requiredInputs, expected.required);
      assert.match(r.description, /for one Kubernetes ServiceAccount/);
      assert.deepEqual(shape(r.properties, true), expected.outputs);
      assert.deepEqual(
        r.required,
        Object.entries(expected.outputs)
          .filter(([, t]) => !t.endsWith("?"))
          .map(([k]) => k)
          .sort(),
      );
    });
  }
  it("SecretMount: every input and output with its type; the wiring is JSON, the ServiceAccount annotations a map", () => {
    const r = schema.resources[MOUNT_TOKEN];
    assert.deepEqual(shape(r.inputProperties), MOUNT_INPUTS);
    assert.deepEqual(r.requiredInputs, ["secrets"]);
    assert.match(r.description, /for pods declared elsewhere/);
    assert.deepEqual(shape(r.properties, true), MOUNT_OUTPUTS);
    assert.deepEqual(
      r.required,
      Object.entries(MOUNT_OUTPUTS)
        .filter(([, t]) => !t.endsWith("?"))
        .map(([k]) => k)
        .sort(),
    );
    assert.match(r.properties.podWiring.description, /fetchContainer/);
  });

  it('Go SDK: every plain list of objects has its item type generated (CONTRIBUTING.md, "One rule is Go\'s")', () => {
    // Pulumi's Go generator emits an object type's XArgs struct only once it has met the type as an
    // Input or as a plain object property; a plain list field is typed []XArgs all the same. Within
    // one component's inputs (in name order) a plain object property makes every later property count
    // as an Input; a list before any such property needs its item type met directly elsewhere.
    assert.deepEqual(goUngeneratedLists(schema), []);
    const broken = {
      resources: {
        "x:index:C": {
          inputProperties: {
            items: { type: "array", plain: true, items: { $ref: "#/types/x:index:Item", plain: true } },
            zone: { $ref: "#/types/x:index:Zone", plain: true },
          },
        },
      },
      types: { "x:index:Item": { type: "object", properties: {} }, "x:index:Zone": { type: "object", properties: {} } },
    };
    assert.deepEqual(
      goUngeneratedLists(broken),
      ["x:index:C.items"],
      "the check finds a list that sorts before every plain object property",
    );
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
    for (const c of Object.keys(IDENTITY)) {
      check(`${c} inputs`, analysis.components[c].inputs);
      check(`${c} outputs`, analysis.components[c].outputs);
    }
    check("SecretMount inputs", analysis.components.SecretMount.inputs);
    check("SecretMount outputs", analysis.components.SecretMount.outputs);
    for (const [name, t] of Object.entries(analysis.typeDefinitions)) {
      if (!t.description?.trim()) missing.push(name);
      if (t.properties) check(name, t.properties);
    }
    assert.deepEqual(missing, []);
    assert.match(schema.resources[TOKEN].inputProperties.namespace.description, /default `default`/);
  });
});

/** Plain lists of objects whose item type Pulumi's Go generator would not emit (see the test that uses it). */
function goUngeneratedLists(schema: any): string[] {
  type Prop = { type?: string; plain?: boolean; $ref?: string; items?: Prop; additionalProperties?: Prop };
  const isObject = (ref: string | undefined) =>
    ref !== undefined && schema.types[ref.replace("#/types/", "")]?.type === "object";
  const all: Prop[] = [
    ...Object.values(schema.resources as Record<string, { inputProperties: Record<string, Prop> }>).flatMap((r) =>
      Object.values(r.inputProperties),
    ),
    ...Object.values(schema.types as Record<string, { properties?: Record<string, Prop> }>).flatMap((t) =>
      Object.values(t.properties ?? {}),
    ),
  ];
  // Met directly: an object property (plain, or an Input), or the items of an Input list or map.
  const direct = new Set(
    all.flatMap((p) => [p.$ref, ...(p.plain ? [] : [p.items?.$ref, p.additionalProperties?.$ref])]).filter(isObject),
  );
  const found: string[] = [];
  for (const [token, r] of Object.entries(
    schema.resources as Record<string, { inputProperties: Record<string, Prop> }>,
  )) {
    let metPlainObject = false;
    for (const [name, p] of Object.entries(r.inputProperties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (p.type === "array" && p.plain && isObject(p.items?.$ref) && !metPlainObject && !direct.has(p.items!.$ref!))
        found.push(`${token}.${name}`);
      if (p.plain && isObject(p.$ref)) metPlainObject = true;
    }
  }
  return found;
}
