import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  type ContainerArgs,
  DeclarationError,
  RELEASED_FETCH_IMAGE,
  SecretMountedWorkload,
  type SecretMountedWorkloadArgs,
  defaultFetchImage,
  parseFetchSpecJson,
} from "../../components";
import { fetchImageVolumes } from "../helpers/fetch-image-volume";
import { OfflineMocks } from "../../components/render/offline-engine";
import { captureWarnings, firstUnhandledRejection } from "./capture";
import { FETCH_PROBE_COMMAND, podTemplate, type PlatformWiring } from "../../components/kubernetes/pod";
import { normalizeDeclaration } from "../../components/declarations";
import { validateDeployment, validateNamespace, validateServiceAccount } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";
import { FETCH_IMAGE, ISSUER, OIDC_ARN, VersionedMocks, baseArgs, mockWorkload } from "./mock-run";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const PARAMETER = "aws:ssm/parameter:Parameter";
const SA = "kubernetes:core/v1:ServiceAccount";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const ACCOUNT = "111122223333";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EXISTING = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe-Xy12Ab`;
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const VALUE = "value-that-must-stay-in-the-secret-store-3b9d";

describe("SecretMountedWorkload on EKS (IRSA), under mocks", () => {
  let w: Awaited<ReturnType<typeof mockWorkload>>;
  before(async () => {
    w = await mockWorkload(
      "shop",
      baseArgs({
        createNamespace: true,
        secrets: [
          { name: "db-password", value: VALUE, aws: { kmsKeyArn: KEY } },
          {
            name: "stripe",
            existing: { arn: EXISTING },
            files: [
              { path: "stripe/key", jsonKey: "apiKey" },
              { path: "stripe/hook", jsonKey: "webhook", mode: "0440" },
            ],
          },
          {
            name: "flags",
            aws: { store: "ssm-parameter" },
            generate: { type: "password", length: 20, special: false },
          },
          { name: "tls", generate: { type: "rsa", rsaBits: 2048 } },
        ],
      }),
    );
  });

  it("creates every child named <component>-<role>, parented to the component", () => {
    const names = w.resources
      .filter((r) => r.custom)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(names, [
      "shop-db-password",
      "shop-db-password-value",
      "shop-deployment",
      "shop-flags",
      "shop-flags-password",
      "shop-namespace",
      "shop-read",
      "shop-role",
      "shop-sa",
      "shop-tls",
      "shop-tls-key",
      "shop-tls-value",
    ]);
    for (const n of names) assert.equal(w.parents.get(n), "shop", `${n} must be a child of the component`);
    assert.equal(w.resources.find((r) => !r.custom)?.type, "secret-mount:index:SecretMountedWorkload");
  });

  it("trusts exactly the declared service account with the STS audience", () => {
    assert.deepEqual(JSON.parse(w.one(ROLE).assumeRolePolicy), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAccountWebIdentity",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: "system:serviceaccount:shop:shop",
              [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });

  it("lets the role read exactly the declared secrets and parameter, decrypting only via Secrets Manager", () => {
    const created = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop`;
    assert.deepEqual(JSON.parse(w.one(ROLE_POLICY).policy), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadDeclaredSecrets",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: [EXISTING, `${created}/db-password-AbCdEf`, `${created}/tls-AbCdEf`],
        },
        {
          Sid: "BatchReadDeclaredSecrets",
          Effect: "Allow",
          Action: "secretsmanager:BatchGetSecretValue",
          Resource: "*",
        },
        {
          Sid: "ReadDeclaredParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameter", "ssm:GetParameters"],
          Resource: [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/proj/dev/shop/flags`],
        },
        {
          Sid: "DecryptViaStores0",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: KEY,
          Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
        },
      ],
    });
    assert.equal(w.outputs.permissionPolicy, w.one(ROLE_POLICY).policy);
    assert.match(w.one(ROLE_POLICY).role, /^shop-role-id$/);
  });

  it("creates the secrets in their stores with the customer key, never exposing the value elsewhere", () => {
    const dbSecret = w.all(SECRET).find((r) => r.name === "shop-db-password")!.inputs as Record<string, any>;
    assert.equal(dbSecret.name, "proj/dev/shop/db-password");
    assert.equal(dbSecret.kmsKeyId, KEY);
    assert.equal(dbSecret.recoveryWindowInDays, 7);
    assert.equal(dbSecret.tags["managed-by"], "secret-mount");
    // Marked secret (Pulumi's secret signature), so state and logs show it encrypted/redacted.
    assert.deepEqual(w.all(VERSION).find((r) => r.name === "shop-db-password-value")!.inputs.secretString, {
      [SPECIAL_SIG_KEY]: SECRET_SIG,
      value: VALUE,
    });
    const param = w.one(PARAMETER);
    assert.equal(param.type, "SecureString");
    assert.equal(param.name, "/proj/dev/shop/flags");
    const password = w.one("random:index/randomPassword:RandomPassword");
    assert.deepEqual([password.length, password.special], [20, false]);
    const key = w.one("tls:index/privateKey:PrivateKey");
    assert.deepEqual([key.algorithm, key.rsaBits], ["RSA", 2048]);
    // The value reaches the secret version and nowhere else.
    for (const r of w.resources.filter((x) => x.type !== VERSION)) {
      assert.ok(!JSON.stringify(r.inputs).includes(VALUE), `${r.type} ${r.name} must not carry the secret value`);
    }
    assert.ok(!JSON.stringify(w.outputs).includes(VALUE));
  });

  it("annotates the ServiceAccount with the role and turns off token automount", () => {
    const sa = w.one(SA);
    validateServiceAccount(sa);
    assert.equal(sa.metadata.annotations["eks.amazonaws.com/role-arn"], w.outputs.roleArn);
    assert.equal(sa.metadata.namespace, "shop");
    assert.equal(sa.automountServiceAccountToken, false);
  });

  it("creates the namespace enforcing, warning about and auditing the restricted Pod Security Standard, pinned to a version", () => {
    const ns = w.one(NAMESPACE);
    validateNamespace(ns);
    assert.deepEqual(ns.metadata.labels, {
      "app.kubernetes.io/managed-by": "secret-mount",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.34",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.34",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.34",
    });
  });

  it("renders a schema-valid Deployment whose pod meets the restricted Pod Security Standard", () => {
    const d = w.one(DEPLOYMENT);
    validateDeployment(d);
    assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
  });

  it("wires the pod: fetch container first and hardened, memory volume, read-only app mounts, fsGroup", () => {
    const pod = w.one(DEPLOYMENT).spec.template.spec;
    assert.equal(pod.serviceAccountName, "shop");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.enableServiceLinks, false, "no service-link variables in the app's environment");
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      fsGroup: 65532,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(pod.initContainers.length, 1);
    const fetch = pod.initContainers[0];
    assert.equal(fetch.name, "secret-mount-fetch");
    assert.equal(fetch.restartPolicy, undefined, "init mode: a plain init container");
    assert.deepEqual(fetch.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
    });
    assert.deepEqual(fetch.volumeMounts, [{ name: "secret-mount", mountPath: "/run/secrets/app" }]);
    assert.ok(fetch.resources.limits.memory && fetch.resources.requests.cpu);
    assert.deepEqual(pod.volumes, [{ name: "secret-mount", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }]);
    const app = pod.containers[0];
    assert.deepEqual(app.volumeMounts, [{ name: "secret-mount", mountPath: "/run/secrets/app", readOnly: true }]);
    assert.equal(app.securityContext.readOnlyRootFilesystem, true);
    assert.equal(app.securityContext.runAsUser, 10001);
    assert.equal(w.one(DEPLOYMENT).spec.template.metadata.annotations["eks.amazonaws.com/skip-containers"], "app");
  });

  it("the fetch image's VOLUME directory (for ECS) is not where the fetcher writes: its FetchSpec dir is its memory emptyDir's mount, outside that directory", () => {
    const pod = w.one(DEPLOYMENT).spec.template.spec;
    const fetch = pod.initContainers[0];
    const dir = parseFetchSpecJson(fetch.env.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC").value).dir;
    const mount = fetch.volumeMounts.find((m: { mountPath: string }) => m.mountPath === dir);
    assert.ok(mount, "the fetcher writes into a volume of the pod");
    assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir.medium, "Memory");
    for (const v of fetchImageVolumes())
      assert.ok(
        dir !== v.path && !dir.startsWith(`${v.path}/`),
        `${dir} is inside the image volume ${v.path} (node disk on Kubernetes)`,
      );
  });

  it("hands the fetch container a FetchSpec of references only, one file per declared path", () => {
    const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    const env = fetch.env.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC");
    assert.equal(env.value, w.outputs.fetchSpec);
    const spec = parseFetchSpecJson(env.value);
    assert.equal(spec.mode, "init");
    assert.equal(spec.dir, "/run/secrets/app");
    assert.deepEqual(
      spec.files.map((f) => [f.path, f.source.type, f.jsonKey ?? null, f.mode ?? null]),
      [
        ["db-password", "aws-secretsmanager", null, null],
        ["stripe/key", "aws-secretsmanager", "apiKey", null],
        ["stripe/hook", "aws-secretsmanager", "webhook", "0440"],
        ["flags", "aws-ssm", null, null],
        ["tls.key", "aws-secretsmanager", "privateKeyPem", null],
        ["tls.pub", "aws-secretsmanager", "publicKeyPem", null],
      ],
    );
    assert.deepEqual(spec.files[1].source, { type: "aws-secretsmanager", secretId: EXISTING, region: "eu-west-1" });
    assert.deepEqual(spec.files[3].source, { type: "aws-ssm", name: "/proj/dev/shop/flags", region: "eu-west-1" });
    assert.ok(!fetch.env.some((e: { value?: string }) => (e.value ?? "").includes(VALUE)));
  });

  it("turns off the AWS SDK's instance-metadata fallback in the fetch container, so the node's role is never used", () => {
    const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    assert.deepEqual(
      fetch.env.filter((e: { name: string }) => e.name === "AWS_EC2_METADATA_DISABLED"),
      [{ name: "AWS_EC2_METADATA_DISABLED", value: "true" }],
    );
  });

  it("exposes outputs naming what was created", () => {
    assert.equal(w.outputs.serviceAccountName, "shop");
    assert.equal(w.outputs.deploymentName, "shop");
    assert.equal(w.outputs.mountPath, "/run/secrets/app");
    assert.match(String(w.outputs.roleArn), /^arn:aws:iam::111122223333:role\/shop-role/);
  });
});

describe("SecretMountedWorkload on EKS: options", () => {
  it("refresh turns the fetch container into a native sidecar with a startup probe", async () => {
    const w = await mockWorkload("web", baseArgs({ refresh: { intervalSeconds: 120 } }));
    const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    assert.equal(fetch.restartPolicy, "Always");
    assert.deepEqual(fetch.startupProbe.exec.command, FETCH_PROBE_COMMAND);
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual([spec.mode, spec.refreshSeconds], ["refresh", 120]);
    validateDeployment(w.one(DEPLOYMENT));
    assert.deepEqual(restrictedViolations(w.one(DEPLOYMENT).spec.template.spec), []);
  });

  it("Pod Identity: association for the service account, tag-scoped trust, no IRSA annotation", async () => {
    const w = await mockWorkload("api", baseArgs({ eks: { identity: "pod-identity", clusterName: "prod" } }));
    const assoc = w.one("aws:eks/podIdentityAssociation:PodIdentityAssociation");
    assert.deepEqual([assoc.clusterName, assoc.namespace, assoc.serviceAccount], ["prod", "shop", "api"]);
    assert.equal(assoc.roleArn, w.outputs.roleArn);
    assert.equal(w.parents.get("api-pod-identity"), "api");
    assert.deepEqual(JSON.parse(w.one(ROLE).assumeRolePolicy).Statement, [
      {
        Sid: "EksPodIdentityForServiceAccount",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": ACCOUNT,
            "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
            "aws:RequestTag/kubernetes-namespace": "shop",
            "aws:RequestTag/kubernetes-service-account": "api",
          },
        },
      },
    ]);
    assert.deepEqual(w.one(SA).metadata.annotations, {});
  });

  it("an existing namespace is not created; an existing secret by name is granted by its ARN pattern", async () => {
    const w = await mockWorkload("api", baseArgs({ secrets: [{ name: "db", existing: { name: "prod/db" } }] }));
    assert.equal(w.all(NAMESPACE).length, 0);
    assert.equal(w.all(SECRET).length, 0);
    const policy = JSON.parse(w.one(ROLE_POLICY).policy);
    assert.deepEqual(policy.Statement, [
      {
        Sid: "ReadDeclaredSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/db-??????`],
      },
    ]);
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(spec.files[0].source, { type: "aws-secretsmanager", secretId: "prod/db", region: "eu-west-1" });
  });

  it("sizes the memory volume for what the secrets may hold, and honours a larger explicit size", async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, existing: { name: `prod/s${i}` } }));
    const w = await mockWorkload("big", baseArgs({ secrets: many }));
    // 10 files x 64 KiB x 2 (atomic swap) = 1280 KiB
    assert.deepEqual(w.one(DEPLOYMENT).spec.template.spec.volumes[0].emptyDir, {
      medium: "Memory",
      sizeLimit: "1280Ki",
    });
    const w2 = await mockWorkload("big2", baseArgs({ secrets: many, volumeSizeLimit: "4Mi" }));
    assert.equal(w2.one(DEPLOYMENT).spec.template.spec.volumes[0].emptyDir.sizeLimit, "4Mi");
  });

  it("passes the user's container settings through and writes an env file on request", async () => {
    const w = await mockWorkload(
      "api",
      baseArgs({
        replicas: 3,
        labels: { team: "payments" },
        envFile: { vars: { DB_PASSWORD: "db-password" } },
        fetch: { image: "registry.example.com/fetch@sha256:" + "b".repeat(64), timeoutSeconds: 30 },
        containers: [
          {
            name: "app",
            image: "app:1",
            command: ["/app"],
            args: ["--port", "8080"],
            env: { LOG_LEVEL: "info" },
            ports: [{ name: "http", containerPort: 8080 }],
            resources: { limits: { memory: "256Mi" } },
            readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
            runAsUser: 1000,
            readOnlyRootFilesystem: false,
          },
        ],
      }),
    );
    const d = w.one(DEPLOYMENT);
    validateDeployment(d);
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.metadata.labels.team, "payments");
    const app = d.spec.template.spec.containers[0];
    assert.deepEqual(
      [app.command, app.args, app.env, app.ports],
      [
        ["/app"],
        ["--port", "8080"],
        [{ name: "LOG_LEVEL", value: "info" }],
        [{ containerPort: 8080, protocol: "TCP", name: "http" }],
      ],
    );
    assert.deepEqual(app.readinessProbe, { httpGet: { path: "/ready", port: 8080 } });
    assert.equal(app.securityContext.readOnlyRootFilesystem, false);
    assert.equal(d.spec.template.spec.initContainers[0].image, "registry.example.com/fetch@sha256:" + "b".repeat(64));
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(spec.envFile, { path: "secrets.env", vars: { DB_PASSWORD: "db-password" } });
    assert.equal(spec.timeoutSeconds, 30);
  });
});

/** Resolves an Output, or rejects with the error that made it fail (Pulumi's internal promise). */
function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}

describe("SecretMountedWorkload on EKS: ARNs known only at pulumi up", () => {
  const WILDCARD = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:*`;
  const declare = (arn: pulumi.Input<string>, extra: Partial<SecretMountedWorkloadArgs> = {}) => {
    const mocks = new OfflineMocks();
    return pulumi.runtime.setMocks(mocks, "proj", "dev", false).then(() => ({
      mocks,
      w: new SecretMountedWorkload(
        "late",
        baseArgs({ secrets: [{ name: "db", existing: { arn: pulumi.output(arn) } }], ...extra }),
      ),
    }));
  };

  it("an Output that resolves to a wildcard ARN fails the role policy and the Deployment, which are never registered", async () => {
    const { mocks, w } = await declare(WILDCARD);
    await assert.rejects(settle(w.permissionPolicy!), (err: unknown) => {
      assert.ok(err instanceof DeclarationError, String(err));
      assert.equal(err.field, "secrets[0].existing.arn");
      assert.match(
        err.message,
        /late: secrets\[0\]\.existing\.arn: .*holds a wildcard.*checked when the value resolved/,
      );
      return true;
    });
    await assert.rejects(settle(w.fetchSpec), DeclarationError);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const types = mocks.resources.map((r) => r.type);
    assert.ok(types.includes(ROLE), "the role itself (trust only) is registered");
    assert.ok(!types.includes(ROLE_POLICY), "no policy may be written with the wildcard");
    assert.ok(!types.includes("aws:iam/policy:Policy"));
    assert.ok(!types.includes(DEPLOYMENT));
  });

  it("an Output KMS key or permissions boundary that resolves to a wildcard fails the same way", async () => {
    const { mocks, w } = await declare(EXISTING, {
      secrets: [
        { name: "db", existing: { arn: EXISTING, kmsKeyArn: pulumi.output(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`) } },
      ],
      eks: {
        oidcProviderArn: OIDC_ARN,
        oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
        permissionsBoundaryArn: pulumi.output("arn:aws:iam::aws:policy/*"),
      },
    });
    await assert.rejects(settle(w.permissionPolicy!), /secrets\[0\]\.existing\.kmsKeyArn: .*holds a wildcard/);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    assert.deepEqual(
      mocks.resources.filter((r) => r.type === ROLE || r.type === ROLE_POLICY),
      [],
      "neither the role (boundary) nor its policy",
    );
  });

  it("an Output that resolves to a well-formed ARN is granted exactly", async () => {
    const { mocks, w } = await declare(EXISTING);
    assert.deepEqual(JSON.parse(await settle(w.permissionPolicy!)).Statement[0].Resource, [EXISTING]);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    assert.equal(mocks.resources.filter((r) => r.type === ROLE_POLICY).length, 1);
  });
});

describe("SecretMountedWorkload on EKS: existing SSM parameter by ARN", () => {
  it("is requested by its full ARN (cross-account shares need it) and granted exactly that parameter", async () => {
    const shared = "arn:aws:ssm:eu-west-1:444455556666:parameter/shared/flags";
    const w = await mockWorkload(
      "api",
      baseArgs({ secrets: [{ name: "flags", existing: { arn: shared }, aws: { store: "ssm-parameter" } }] }),
    );
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(spec.files[0].source, { type: "aws-ssm", name: shared, region: "eu-west-1" });
    assert.deepEqual(JSON.parse(w.one(ROLE_POLICY).policy).Statement, [
      {
        Sid: "ReadDeclaredParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [shared],
      },
    ]);
  });
});

describe("SecretMountedWorkload on EKS: pods follow the secrets' versions", () => {
  const REVISION = "secret-mount.io/revision";
  const secrets = (dbValue: string): SecretMountedWorkloadArgs["secrets"] => [
    { name: "db", value: dbValue },
    { name: "flags", value: "on", aws: { store: "ssm-parameter" } },
    { name: "stripe", existing: { arn: EXISTING } },
  ];
  const run = (
    dbValue: string,
    versionIds: Record<string, string> = {},
    parameterVersions: Record<string, number> = {},
  ) => mockWorkload("rev", baseArgs({ secrets: secrets(dbValue) }), new VersionedMocks(versionIds, parameterVersions));
  const revision = (w: Awaited<ReturnType<typeof mockWorkload>>) =>
    w.one(DEPLOYMENT).spec.template.metadata.annotations[REVISION] as string;
  const storedValue = (w: Awaited<ReturnType<typeof mockWorkload>>) =>
    (w.all(VERSION)[0].inputs.secretString as { value: string }).value;

  it("the pod template carries a revision, the same when nothing changed", async () => {
    const a = await run("first-value", { "rev-db-value": "11111111-aaaa" });
    const b = await run("first-value", { "rev-db-value": "11111111-aaaa" });
    assert.match(revision(a), /^[0-9a-f]{16}$/);
    assert.equal(revision(a), revision(b));
  });

  it("changes when a secret version id or a parameter version changes", async () => {
    const a = await run("first-value", { "rev-db-value": "11111111-aaaa" }, { "rev-flags": 1 });
    const newVersion = await run("first-value", { "rev-db-value": "22222222-bbbb" }, { "rev-flags": 1 });
    const newParameter = await run("first-value", { "rev-db-value": "11111111-aaaa" }, { "rev-flags": 2 });
    assert.notEqual(revision(newVersion), revision(a));
    assert.notEqual(revision(newParameter), revision(a));
    assert.notEqual(revision(newParameter), revision(newVersion));
  });

  it("is not derived from the value: a new value under the same version id leaves it unchanged", async () => {
    const a = await run("first-value", { "rev-db-value": "11111111-aaaa" });
    const b = await run("second-value", { "rev-db-value": "11111111-aaaa" });
    // The values did reach the stored version, so a revision built from them would differ.
    assert.deepEqual([storedValue(a), storedValue(b)], ["first-value", "second-value"]);
    assert.match(revision(a), /^[0-9a-f]{16}$/);
    assert.equal(revision(a), revision(b));
    const template = JSON.stringify(b.one(DEPLOYMENT));
    assert.ok(!template.includes("second-value"));
  });

  it("the Deployment depends on the versions holding the values", async () => {
    const w = await run("first-value");
    const deps = w.dependsOn.get("rev-deployment")!;
    assert.ok(deps.includes("rev-db-value"), `SecretVersion missing from ${deps.join(", ")}`);
    assert.ok(deps.includes("rev-flags"), `Parameter missing from ${deps.join(", ")}`);
    assert.ok(deps.includes("rev-read"), "and on the role's policy");
  });
});

describe("SecretMountedWorkload: images the user chose and can verify", () => {
  const DIGEST = "sha256:" + "c".repeat(64);

  it("the fetch container runs the given digest-pinned image, pulled IfNotPresent, with no warning", async () => {
    const { result: w, warnings } = await captureWarnings(() => mockWorkload("api", baseArgs()));
    const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    assert.equal(fetch.image, FETCH_IMAGE);
    assert.equal(fetch.imagePullPolicy, "IfNotPresent");
    assert.deepEqual(warnings, []);
  });

  it("warns once per image reference without a digest (fetch or app), naming the field, on the component", async () => {
    const { result: w, warnings } = await captureWarnings(() =>
      mockWorkload(
        "api",
        baseArgs({
          fetch: { image: "registry.example.com/secret-mount-fetch:0.1.0" },
          containers: [
            { name: "app", image: "registry.example.com/shop:1.2", runAsUser: 10001 },
            { name: "side", image: pulumi.output("registry.example.com/shop:1.2"), runAsUser: 10002 },
            { name: "pinned", image: "registry.example.com/shop@" + DIGEST, runAsUser: 10003 },
          ],
        }),
      ),
    );
    assert.deepEqual(warnings.map((x) => x.msg.replace(/;.*/, "")).sort(), [
      'containers[0].image: "registry.example.com/shop:1.2" is not pinned by digest',
      'fetch.image: "registry.example.com/secret-mount-fetch:0.1.0" is not pinned by digest',
    ]);
    for (const x of warnings) assert.equal((x.resource as unknown as { __name: string }).__name, "api");
    // A tag can move and a node's cached copy is not proof of access: the kubelet asks the registry.
    assert.equal(w.one(DEPLOYMENT).spec.template.spec.initContainers[0].imagePullPolicy, "Always");
  });

  it("uses the released default (<repository>@sha256:…) when the release stamped fetch-image.json", async () => {
    const saved = { ...RELEASED_FETCH_IMAGE };
    Object.assign(RELEASED_FETCH_IMAGE, { repository: "ghcr.io/acme/secret-mount-fetch", digest: DIGEST });
    try {
      const { result: w, warnings } = await captureWarnings(() => mockWorkload("api", baseArgs({ fetch: undefined })));
      const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
      assert.equal(fetch.image, `ghcr.io/acme/secret-mount-fetch@${DIGEST}`);
      assert.equal(fetch.imagePullPolicy, "IfNotPresent");
      assert.deepEqual(warnings, []);
    } finally {
      Object.assign(RELEASED_FETCH_IMAGE, saved);
    }
  });

  it("the repository's fetch-image.json records no release yet, so fetch.image is required", () => {
    assert.deepEqual(RELEASED_FETCH_IMAGE, { repository: null, digest: null, version: "0.1.0" });
    assert.equal(defaultFetchImage(), undefined);
    assert.throws(
      () => defaultFetchImage({ repository: "r", digest: "sha256:short", version: "1" }),
      /not sha256:<64 hex>/,
    );
  });
});

describe("SecretMountedWorkload: no Pulumi secret in the pod spec", () => {
  const SECRET_VALUE = "env-secret-value-7f3a";

  const cases: [string, Partial<ContainerArgs>][] = [
    ["env", { env: { API_TOKEN: pulumi.secret(SECRET_VALUE) } }],
    ["args", { args: ["--token", pulumi.secret(SECRET_VALUE)] }],
  ];
  it("refuses a secret fetch image reference before the Deployment is registered", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const tagged = "registry.example.com/private-fetch:1";
    const { result: err, warnings } = await captureWarnings(() =>
      firstUnhandledRejection(() => {
        new SecretMountedWorkload("api", baseArgs({ fetch: { image: pulumi.secret(tagged) } }));
      }),
    );
    assert.deepEqual(
      warnings.filter((x) => x.msg.includes(tagged)),
      [],
      "a secret reference is never printed in a warning",
    );
    assert.ok(err instanceof DeclarationError, String(err));
    assert.equal(err.field, "fetch.image");
    assert.deepEqual(
      mocks.resources.filter((r) => r.type === DEPLOYMENT),
      [],
    );
  });

  for (const [what, container] of cases) {
    it(`refuses a secret in a container's ${what} before the Deployment is registered, pointing to files or envFile`, async () => {
      const mocks = new OfflineMocks();
      await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
      const err = await firstUnhandledRejection(() => {
        new SecretMountedWorkload(
          "api",
          baseArgs({
            containers: [{ name: "app", image: "app@sha256:" + "a".repeat(64), runAsUser: 10001, ...container }],
          }),
        );
      });
      assert.ok(err instanceof DeclarationError, String(err));
      assert.equal(err.field, what === "env" ? "containers[0].env.API_TOKEN" : "containers[0].args[1]");
      assert.match(
        err.message,
        /is a Pulumi secret: .*Declare it under `secrets` and read it from its file under mountPath, or name that file in `envFile`/,
      );
      assert.ok(!err.message.includes(SECRET_VALUE));
      assert.deepEqual(
        mocks.resources.filter((r) => r.type === DEPLOYMENT),
        [],
        "the Deployment must not be registered",
      );
    });
  }

  it("plain env values from Outputs pass through", async () => {
    const w = await mockWorkload(
      "api",
      baseArgs({
        containers: [
          {
            name: "app",
            image: "app@sha256:" + "a".repeat(64),
            runAsUser: 10001,
            env: { REGION: pulumi.output("eu-west-1") },
          },
        ],
      }),
    );
    assert.deepEqual(w.one(DEPLOYMENT).spec.template.spec.containers[0].env, [{ name: "REGION", value: "eu-west-1" }]);
  });
});

describe("SecretMountedWorkload: a FetchSpec of any declared size reaches the fetcher (checked at preview)", () => {
  const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
  const envOf = (fetch: { env: { name: string; value: string }[] }) =>
    Object.fromEntries(fetch.env.map((e) => [e.name, e.value]));

  it("150 generated secrets: the spec travels in SECRET_MOUNT_SPEC, no ConfigMap", async function () {
    this.timeout(60000);
    const secrets = Array.from({ length: 150 }, (_, i) => ({
      name: `secret-${i}`,
      generate: { type: "password" as const },
    }));
    const w = await mockWorkload("many", baseArgs({ secrets }));
    assert.equal(w.all(CONFIGMAP).length, 0);
    const env = envOf(w.one(DEPLOYMENT).spec.template.spec.initContainers[0]);
    assert.equal(parseFetchSpecJson(env.SECRET_MOUNT_SPEC).files.length, 150);
    assert.equal(env.SECRET_MOUNT_SPEC_FILE, undefined);
    assert.ok(Buffer.byteLength(env.SECRET_MOUNT_SPEC) < 128 * 1024);
  });

  it("950 files: the spec goes into an immutable <name>-fetch-spec ConfigMap the fetch container alone mounts read-only", async function () {
    this.timeout(60000);
    const secrets = Array.from({ length: 95 }, (_, i) => ({
      name: `json-${i}`,
      existing: { name: `prod/team/json-${i}` },
      files: Array.from({ length: 10 }, (_, j) => ({ path: `json-${i}/key-${j}`, jsonKey: `key${j}` })),
    }));
    const w = await mockWorkload("big", baseArgs({ secrets }));
    const cm = w.one(CONFIGMAP);
    assert.equal(w.parents.get("big-fetch-spec"), "big");
    assert.equal(cm.metadata.namespace, "shop");
    assert.equal(cm.immutable, true);
    const spec = parseFetchSpecJson(cm.data["spec.json"]);
    assert.equal(spec.files.length, 950);
    assert.equal(cm.data["spec.json"], w.outputs.fetchSpec);
    // Far past the 64 KiB a cautious environment would carry: the issue saw E2BIG at this size.
    const specBytes = Buffer.byteLength(String(cm.data["spec.json"]));
    assert.ok(specBytes > 64 * 1024, String(specBytes));
    const d = w.one(DEPLOYMENT);
    validateDeployment(d);
    assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
    const pod = d.spec.template.spec;
    const fetch = pod.initContainers[0];
    const env = envOf(fetch);
    assert.equal(env.SECRET_MOUNT_SPEC, undefined, "no spec in the environment");
    assert.equal(env.SECRET_MOUNT_SPEC_FILE, "/etc/secret-mount-spec/spec.json");
    assert.deepEqual(fetch.volumeMounts[1], {
      name: "secret-mount-spec",
      mountPath: "/etc/secret-mount-spec",
      readOnly: true,
    });
    assert.deepEqual(pod.volumes[1], {
      name: "secret-mount-spec",
      configMap: { name: "big-fetch-spec-1a2b3c4", items: [{ key: "spec.json", path: "spec.json" }] },
    });
    for (const c of pod.containers)
      assert.ok(!c.volumeMounts.some((m: { name: string }) => m.name === "secret-mount-spec"));
  });

  it("a declaration whose spec no ConfigMap can carry fails at preview with the numbers, registering nothing", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const secrets = Array.from({ length: 200 }, (_, i) => ({
      name: `json-${i}`,
      existing: { name: `prod/${"very-long-team-name/".repeat(10)}json-${i}` },
      files: Array.from({ length: 10 }, (_, j) => ({ path: `json-${i}/key-${j}`, jsonKey: `key${j}` })),
    }));
    assert.throws(
      () => new SecretMountedWorkload("huge", baseArgs({ secrets })),
      (err: unknown) => {
        assert.ok(err instanceof DeclarationError, String(err));
        assert.equal(err.field, "secrets");
        assert.match(
          err.message,
          /^huge: secrets: declare 2000 files, whose FetchSpec may take up to \d+ KiB: more than the 960 KiB a ConfigMap can carry .*Split the workload's secrets over several components/,
        );
        return true;
      },
    );
    assert.deepEqual(mocks.resources, []);
  });
});

describe("pod template: what a platform adds", () => {
  it("PlatformWiring.podLabels reach the pod's labels (AKS needs azure.workload.identity/use), never the selector labels", () => {
    const decl = normalizeDeclaration("api", baseArgs({ labels: { team: "a" } }));
    const wiring: PlatformWiring = {
      serviceAccountAnnotations: {},
      podAnnotations: {},
      fetchEnv: {},
      podLabels: { "azure.workload.identity/use": "true", "app.kubernetes.io/name": "hijack" },
    };
    const tpl = podTemplate(decl, "{}", wiring, "1Mi");
    assert.deepEqual((tpl.metadata as { labels?: unknown }).labels, {
      team: "a",
      "azure.workload.identity/use": "true",
      "app.kubernetes.io/name": "api",
      "app.kubernetes.io/instance": "api",
    });
  });
});
