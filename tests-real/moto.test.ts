/**
 * The AWS side of the eks example against moto (PyPI `moto[server]` 5.2.6, an AWS emulator no one
 * here wrote), with moto's IAM-like access control on, and the real fetch bundle
 * (runtime-image/dist) as the fetch image's UID holding a ServiceAccount token minted by the real
 * kube-apiserver of this tier (TokenRequest, audience sts.amazonaws.com, issuer the example's EKS
 * issuer URL).
 *
 * One test also runs EKS's real pod identity webhook (when built) and the fetcher with the env it
 * injected into the rendered pod's fetch container.
 *
 * What moto gets is what `npm run render -- examples/eks` writes: the role's trust policy and its
 * permission policy, unchanged, and the FetchSpec of the Deployment. moto runs in the render's
 * stand-in account (111122223333) and region, so the OIDC provider's and the role's ARNs it assigns
 * are the ones render wrote. Only the values `pulumi up` fills in are filled in here: Secrets Manager
 * appends 6 random characters to a secret's ARN when it creates the secret, so each Secrets Manager
 * ARN of the render (the engine's placeholder for a generated secret, or the stack's config value
 * for the existing one) becomes the ARN moto gave the secret of that name, in the policy and the
 * FetchSpec alike.
 *
 * What moto 5.2.6 checks, and what it does NOT (found by trying; pinned by the last test, which
 * fails when moto changes, so these tests can then be tightened):
 *   - checked: every request after moto's first three is signed with SigV4 by a key moto issued (an
 *     IAM user's, or an assumed role's session, with its session token), and its Action is allowed
 *     by the principal's policies; policy documents are validated (PutRolePolicy, and
 *     UpdateAssumeRolePolicy for trust policies; CreateRole does not validate the trust policy).
 *   - NOT checked: AssumeRoleWithWebIdentity ignores the web identity token (no signature, issuer,
 *     audience or expiry check; any string works), the OIDC provider, and the role's trust policy
 *     (its `:sub` and `:aud` conditions); the role need not even exist.
 *   - NOT checked: the Resource element for Secrets Manager and SSM: moto evaluates their actions
 *     against the resource "*" (moto/core/responses.py call_action; only IAM, STS and SQS name the
 *     resource). A statement scoped to ARNs therefore never matches — the plan's GetSecretValue and
 *     GetParameters grants are refused even for the declared secrets — and a statement on "*" matches
 *     everything: BatchGetSecretValue (granted on "*" as AWS requires) returns any secret, where
 *     AWS returns one the role may not GetSecretValue as an error entry (AccessDeniedException).
 *   - unfaithful: with access control on, an unsigned request (AssumeRoleWithWebIdentity is unsigned
 *     in AWS, and in the SDK the fetcher uses) fails with HTTP 500 (KeyError 'HTTP_AUTHORIZATION' in
 *     moto/iam/access_control.py). Before each run the tests let exactly one request through
 *     unchecked (moto's /moto-api/reset-auth 1) and check in moto's recording that it was the
 *     fetcher's AssumeRoleWithWebIdentity.
 *   - unfaithful: moto answers a denial for Secrets Manager or SSM (JSON protocol) in the Query
 *     protocol's XML with HTTP 403, where AWS answers JSON `AccessDeniedException` (HTTP 400): the
 *     SDK cannot parse it, so the fetcher's line says `malformed`, not `access-denied`.
 * So: which secret a policy grants (by ARN) and who may assume the role are proven in the fast
 * tier, not here: the component's policies under AWS's evaluation rules
 * (tests/components/iam-eks.test.ts, @cloud-copilot/iam-simulate) and the AWS double
 * (tests/runtime/doubles/aws.ts), whose STS takes only the cluster's tokens and whose denials are
 * AWS's `AccessDeniedException`. Here moto proves the wire: the fetcher's STS call carries the
 * pod's token and the role, its reads are signed with the session moto issued for it, they pass
 * moto's checks, and moto's real API answers become the declared files.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseDotenv } from "dotenv";
import { parseAllDocuments } from "yaml";
import { startCluster, type Cluster } from "./helpers/cluster";
import { createNamespace, createServiceAccount, requestToken } from "./helpers/service-accounts";
import { startEksWebhook } from "./helpers/eks-webhook";
import { needCachedTool, needTool } from "./helpers/tools";
import { header, operationOf, signingKeyOf, startMoto, type AwsCredentials, type MotoServer } from "./helpers/moto";
import { ROOT, podFromTemplate, renderedFiles, renderedPlaceholders } from "./helpers/rendered";
import { runFetch, type LogLine, type RunResult } from "../tests/runtime/harness";
import { irsaTrustPolicy } from "../components/clouds/aws/policies";
import { policyFor } from "../components/clouds/aws/policy-split";
import type { FetchSpec } from "../spec/fetch-spec";

/** The fetch image's user (runtime-image/Dockerfile); the bundle runs as it when the tests run as root. */
const FETCH_UID = 65532;
const EXAMPLE = "eks";

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
/** A value nobody could guess, never printed: tests compare hashes. */
const secretValue = () => `sm-moto-${randomBytes(18).toString("base64url")}`;

type SpecFile = FetchSpec["files"][number];
type AwsSource = { type: string; secretId?: string; name?: string; region?: string };
const sourceOf = (f: SpecFile) => f.source as AwsSource;

/** What render wrote for the example, read the way a reviewer reads the folder. */
interface RenderedPlan {
  trustPolicy: string;
  permissionPolicy: string;
  /** The inline policy's name (the review file's name). */
  policyName: string;
  spec: FetchSpec;
  serviceAccount: { namespace: string; name: string };
  roleArn: string;
  providerArn: string;
  /** The issuer URL the trust's condition keys name. */
  issuerUrl: string;
  audience: string;
  accountId: string;
  region: string;
  /** Values render wrote that `pulumi up` fills in (the engine's placeholders and the stack's config values). */
  standIns: Set<string>;
  /** The Deployment, and its fetch container (the one that reads SECRET_MOUNT_SPEC). */
  deployment: Record<string, any>;
  fetchContainer: Record<string, any>;
  /** The ServiceAccount as rendered (with its eks.amazonaws.com/role-arn). */
  serviceAccountObject: Record<string, any>;
}

/** The container's env as the kubelet gives it to the process: values, and the pod fields they reference. */
function containerEnv(
  container: Record<string, any>,
  pod: { name: string; namespace: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath as string | undefined;
    if (typeof e.value === "string") env[e.name] = e.value;
    else if (field === "metadata.name") env[e.name] = pod.name;
    else if (field === "metadata.namespace") env[e.name] = pod.namespace;
    else throw new Error(`env ${e.name}: ${JSON.stringify(e.valueFrom)} is not resolved by this test`);
  }
  return env;
}

async function renderedPlan(): Promise<RenderedPlan> {
  const files = Object.fromEntries((await renderedFiles(EXAMPLE)).map((f) => [f.path, f.content]));
  const placeholders = await renderedPlaceholders(EXAMPLE);
  const one = (re: RegExp) => {
    const found = Object.keys(files).filter((f) => re.test(f));
    assert.equal(found.length, 1, `one ${re} in the review folder: ${Object.keys(files).join(", ")}`);
    return found[0];
  };
  const trustFile = one(/^iam\/.+\.trust-policy\.json$/);
  const permissionFile = one(/^iam\/.+\.permission-policy\.json$/);
  const spec = JSON.parse(files[one(/^fetch-spec\/.+\.json$/)]) as FetchSpec;
  const objects = parseAllDocuments(files["kubernetes.yaml"]).map((d) => d.toJS() as Record<string, any>);
  const sa = objects.find((o) => o?.kind === "ServiceAccount");
  const deployment = objects.find((o) => o?.kind === "Deployment")!;
  const { spec: podSpec } = deployment.spec.template;
  const fetchContainer = [...(podSpec.initContainers ?? []), ...podSpec.containers].find((c) =>
    (c.env ?? []).some((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC"),
  );
  const roleArn = sa?.metadata?.annotations?.["eks.amazonaws.com/role-arn"] as string;
  const trust = JSON.parse(files[trustFile]);
  const providerArn = trust.Statement[0].Principal.Federated as string;
  const issuer = providerArn.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, "");
  const conditions = trust.Statement[0].Condition.StringEquals as Record<string, string>;
  const stack = fs.readFileSync(path.join(ROOT, "examples", EXAMPLE, "Pulumi.example.yaml"), "utf8");
  const config = Object.values((parseAllDocuments(stack)[0].toJS() as { config: Record<string, string> }).config);
  return {
    trustPolicy: files[trustFile],
    permissionPolicy: files[permissionFile],
    policyName: path.basename(permissionFile, ".permission-policy.json"),
    spec,
    serviceAccount: { namespace: sa!.metadata.namespace, name: sa!.metadata.name },
    roleArn,
    providerArn,
    issuerUrl: `https://${issuer}`,
    audience: conditions[`${issuer}:aud`],
    accountId: roleArn.split(":")[4],
    region: spec.files.map((f) => sourceOf(f).region).find(Boolean)!,
    standIns: new Set([...placeholders.map((p) => p.value), ...config.map(String)]),
    deployment,
    fetchContainer,
    serviceAccountObject: sa!,
  };
}

describe("the eks example's AWS side on moto (PyPI moto[server] 5.2.6, IAM access control on): the fetch bundle with a real ServiceAccount token assumes the rendered role and reads the declared secrets", function () {
  let cluster: Cluster;
  let moto: MotoServer;
  let plan: RenderedPlan;
  /** render's Secrets Manager ARN -> the ARN moto gave the secret of that name. */
  const arnOf = new Map<string, string>();
  /** The declared files' expected content, by path (never printed: compared by hash). */
  const expected = new Map<string, string>();
  let spec: FetchSpec;
  let permissionPolicy: string;
  let undeclaredArn = "";
  let roleName = "";
  let work: string;
  const asRoot = process.getuid?.() === 0;
  const as = asRoot ? { uid: FETCH_UID, gid: FETCH_UID } : {};

  /** The text with every render stand-in ARN replaced by moto's. */
  const filled = (text: string) => [...arnOf].reduce((t, [from, to]) => t.split(from).join(to), text);

  before(async function () {
    this.timeout(0);
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    const motoBin = needTool(this, "moto");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
    plan = await renderedPlan();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-moto-test-"));
    fs.chmodSync(work, 0o755);
    // The API server signs tokens with the example's issuer (the trust's condition keys name it).
    cluster = await startCluster(etcd, apiserver, undefined, plan.issuerUrl);
    moto = await startMoto(motoBin, { accountId: plan.accountId, region: plan.region });
    // The rendered ServiceAccount (its role annotation is what the pod identity webhook reads).
    const { namespace } = plan.serviceAccount;
    await createNamespace(cluster, namespace);
    const created = await cluster.request(
      "POST",
      `/api/v1/namespaces/${namespace}/serviceaccounts`,
      plan.serviceAccountObject,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
    await createServiceAccount(cluster, namespace, "other");
    await createServiceAccount(cluster, namespace, "flags");

    // The stores: one value per declared secret (a JSON object of the keys files read, else a
    // string), one SecureString per parameter; and a secret the declaration does not name.
    const jsonKeys = new Map<string, string[]>();
    for (const f of plan.spec.files) {
      const id = sourceOf(f).secretId ?? sourceOf(f).name!;
      jsonKeys.set(id, [...(jsonKeys.get(id) ?? []), ...(f.jsonKey ? [f.jsonKey] : [])]);
    }
    const stored = new Map<string, string>();
    for (const [id, keys] of jsonKeys) {
      const value = keys.length
        ? JSON.stringify(Object.fromEntries(keys.map((k) => [k, secretValue()])))
        : secretValue();
      stored.set(id, value);
      if (id.startsWith("arn:aws:secretsmanager:")) {
        const secretName = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(id)![1];
        assert.ok(plan.standIns.has(id), `${id} is a value pulumi up fills in (placeholder or config)`);
        const created = moto.must("secretsmanager", "create_secret", { Name: secretName, SecretString: value });
        arnOf.set(id, created.ARN);
      } else {
        moto.must("ssm", "put_parameter", { Name: id, Value: value, Type: "SecureString" });
      }
    }
    for (const f of plan.spec.files) {
      const value = stored.get(sourceOf(f).secretId ?? sourceOf(f).name!)!;
      expected.set(f.path, f.jsonKey ? (JSON.parse(value) as Record<string, string>)[f.jsonKey] : value);
    }
    undeclaredArn = moto.must("secretsmanager", "create_secret", {
      Name: "prod/billing/admin",
      SecretString: secretValue(),
    }).ARN;

    // IAM, through moto's own API: the cluster's OIDC provider, the role with the rendered trust,
    // and the rendered permission policy as its inline policy.
    moto.must("iam", "create_open_id_connect_provider", {
      Url: plan.issuerUrl,
      ClientIDList: [plan.audience],
      ThumbprintList: ["0".repeat(40)],
    });
    roleName = plan.roleArn.split(":role/")[1];
    moto.must("iam", "create_role", {
      RoleName: roleName,
      AssumeRolePolicyDocument: plan.trustPolicy,
      MaxSessionDuration: 3600,
    });
    // moto validates a trust policy here, not at create_role.
    moto.must("iam", "update_assume_role_policy", { RoleName: roleName, PolicyDocument: plan.trustPolicy });
    permissionPolicy = filled(plan.permissionPolicy);
    moto.must("iam", "put_role_policy", {
      RoleName: roleName,
      PolicyName: plan.policyName,
      PolicyDocument: permissionPolicy,
    });
    spec = JSON.parse(filled(JSON.stringify(plan.spec))) as FetchSpec;
  });

  after(() => {
    moto?.stop();
    cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  /** A fresh volume and HOME the fetch user may write, and a token file for `ns/name` it may read. */
  async function pod(name = plan.serviceAccount.name, audiences: string[] | undefined = [plan.audience]) {
    const dir = path.join(work, `pod-${++n}`);
    fs.mkdirSync(path.join(dir, "volume"), { recursive: true });
    fs.mkdirSync(path.join(dir, "home"));
    const token = await requestToken(cluster, plan.serviceAccount.namespace, name, audiences);
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, token, { mode: 0o644 });
    if (asRoot) for (const d of ["volume", "home"]) fs.chownSync(path.join(dir, d), FETCH_UID, FETCH_UID);
    return { volume: path.join(dir, "volume"), home: path.join(dir, "home"), tokenFile, token };
  }

  /** The pod name the fetcher's env resolves `metadata.name` to (the rendered AWS_ROLE_SESSION_NAME). */
  const POD_NAME = "billing-api-7c9f8d6b5-x2k4p";

  /**
   * The fetch container's env as rendered (its `fieldRef`s resolved for a pod named POD_NAME), what
   * the EKS pod identity webhook injects (role, token file, region; the webhook test takes them from
   * the real webhook instead), and, test-only, the AWS SDK's own endpoint variables pointing at moto.
   */
  function env(
    p: { volume: string; home: string; tokenFile: string },
    files: SpecFile[],
    roleArn = plan.roleArn,
    rendered = containerEnv(plan.fetchContainer, { name: POD_NAME, namespace: plan.serviceAccount.namespace }),
  ) {
    return {
      ...rendered,
      // The webhook's injection, as it makes it (the webhook test runs the real one).
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: p.tokenFile,
      AWS_REGION: plan.region,
      AWS_DEFAULT_REGION: plan.region,
      AWS_STS_REGIONAL_ENDPOINTS: "regional",
      ...testOnly(p, files),
    };
  }

  /** What only this test sets: moto's endpoints, no host config, the volume, short retries. */
  function testOnly(p: { volume: string; home: string }, files: SpecFile[]) {
    return {
      PATH: process.env.PATH,
      HOME: p.home,
      AWS_CONFIG_FILE: path.join(p.home, "absent-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(p.home, "absent-credentials"),
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      SECRET_MOUNT_SPEC: JSON.stringify({ ...spec, dir: p.volume, files }),
      SECRET_MOUNT_MAX_ATTEMPTS: "2",
      SECRET_MOUNT_RETRY_BASE_MS: "20",
      SECRET_MOUNT_RETRY_CAP_MS: "100",
    };
  }

  const isSecretsManager = (f: SpecFile) => sourceOf(f).type === "aws-secretsmanager";

  function assertNoValue(r: RunResult, what: string): void {
    for (const [file, v] of expected)
      assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${what}: the value of ${file} appeared in the output`);
  }

  /** Every file of `files` in the volume, with the stored content (by hash), the spec's mode, written by the fetch UID. */
  function assertWritten(volume: string, files: SpecFile[]): void {
    const mode = parseInt(spec.fileMode ?? "0440", 8);
    for (const f of files) {
      const file = path.join(volume, f.path);
      assert.equal(sha(fs.readFileSync(file)), sha(expected.get(f.path)!), `${f.path}: the stored value`);
      const st = fs.statSync(file);
      assert.equal((st.mode & 0o777).toString(8), mode.toString(8), `${f.path}: mode ${spec.fileMode}`);
      if (asRoot) assert.equal(st.uid, FETCH_UID, `${f.path}: written by the fetch UID`);
    }
    // The generation directory and every directory in it: 0750 (runtime-image/README.md, "Writing").
    const data = fs.realpathSync(path.join(volume, "..data"));
    const dirs = [data, ...new Set(files.map((f) => path.dirname(path.join(data, f.path))))];
    for (const d of dirs) assert.equal((fs.statSync(d).mode & 0o777).toString(8), "750", `${d}: mode 0750`);
  }

  /**
   * moto's recording of one fetch: the first request is the unsigned AssumeRoleWithWebIdentity with
   * the pod's token and `roleArn`; every later one is signed with the session moto issued for it
   * (its access key id and session token, as moto's model data holds them). Returns the operations.
   */
  async function assertUsedTheSession(
    token: string,
    roleArn = plan.roleArn,
    sessionName = POD_NAME,
  ): Promise<string[]> {
    const recorded = await moto.recording();
    assert.ok(recorded.length >= 2, `moto received the STS call and reads (${recorded.length} requests)`);
    const [sts, ...reads] = recorded;
    assert.equal(operationOf(sts), "sts.AssumeRoleWithWebIdentity", "the first request is the STS call");
    assert.equal(signingKeyOf(sts), undefined, "unsigned, as AWS takes it");
    const form = new URLSearchParams(sts.body);
    assert.equal(form.get("RoleArn"), roleArn);
    assert.equal(sha(form.get("WebIdentityToken") ?? ""), sha(token), "the token the API server minted");
    assert.equal(form.get("RoleSessionName"), sessionName, "the rendered AWS_ROLE_SESSION_NAME: the pod's name");
    assert.equal(recorded.filter((r) => operationOf(r).startsWith("sts.")).length, 1, "one STS call");
    // moto keeps its sessions in the order it issued them: the newest is the one that STS call got.
    const sessions = (await moto.data()).sts.AssumedRole;
    const session = sessions[sessions.length - 1];
    assert.equal(session.role_arn, roleArn, "moto's newest session is for the role");
    assert.equal(session.session_name, sessionName, "and the session name sent");
    for (const r of reads) {
      assert.equal(signingKeyOf(r), session.access_key_id, `${operationOf(r)}: signed with the session's key`);
      assert.equal(
        sha(header(r, "x-amz-security-token") ?? ""),
        sha(session.session_token),
        `${operationOf(r)}: the session's token`,
      );
    }
    return reads.map(operationOf);
  }

  it("moto takes the rendered trust and permission policies unchanged (its policy validators accept them), and assigns the OIDC provider and the role the ARNs render wrote", () => {
    const provider = moto.must("iam", "list_open_id_connect_providers").OpenIDConnectProviderList;
    assert.deepEqual(
      provider.map((p: { Arn: string }) => p.Arn),
      [plan.providerArn],
      "the trust's federated principal",
    );
    const role = moto.must("iam", "get_role", { RoleName: roleName }).Role;
    assert.equal(role.Arn, plan.roleArn, "the ServiceAccount's eks.amazonaws.com/role-arn");
    assert.deepEqual(role.AssumeRolePolicyDocument, JSON.parse(plan.trustPolicy));
    const inline = moto.must("iam", "get_role_policy", { RoleName: roleName, PolicyName: plan.policyName });
    assert.deepEqual(inline.PolicyDocument, JSON.parse(permissionPolicy));
    // Only the Secrets Manager ARNs differ from render's file: the suffixes moto gave the secrets.
    const declared = JSON.parse(permissionPolicy).Statement.find(
      (s: { Sid: string }) => s.Sid === "ReadDeclaredSecrets",
    );
    assert.deepEqual(
      [...declared.Resource].sort(),
      [...arnOf.values()].sort(),
      "the grant names moto's secrets, each once",
    );
    assert.deepEqual(
      JSON.parse(plan.permissionPolicy.replace(/-[A-Za-z0-9]{6}"/g, '"')),
      JSON.parse(permissionPolicy.replace(/-[A-Za-z0-9]{6}"/g, '"')),
      "otherwise as rendered",
    );

    // The validators are live: a malformed copy of each document is refused.
    const badPolicy = JSON.parse(permissionPolicy);
    badPolicy.Statement[0].Effect = "Permit";
    const [refusedPolicy] = moto.call([
      {
        service: "iam",
        method: "put_role_policy",
        params: { RoleName: roleName, PolicyName: "malformed", PolicyDocument: JSON.stringify(badPolicy) },
      },
    ]);
    assert.equal(refusedPolicy.error?.code, "MalformedPolicyDocument", JSON.stringify(refusedPolicy));
    const badTrust = JSON.parse(plan.trustPolicy);
    badTrust.Statement[0].Resource = "*";
    const [refusedTrust] = moto.call([
      {
        service: "iam",
        method: "update_assume_role_policy",
        params: { RoleName: roleName, PolicyDocument: JSON.stringify(badTrust) },
      },
    ]);
    assert.equal(refusedTrust.error?.code, "MalformedPolicyDocument", JSON.stringify(refusedTrust));
    // Access control is on: a key moto never issued is refused.
    const [stranger] = moto.call([{ service: "iam", method: "list_roles" }], {
      AccessKeyId: "AKIAIOSFODNN7EXAMPLE",
      SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    });
    assert.equal(stranger.error?.code, "InvalidClientTokenId", JSON.stringify(stranger));
  });

  it("every declared file (Secrets Manager, JSON keys, SSM SecureString) from moto's answers, as UID 65532, with the token the API server minted: one AssumeRoleWithWebIdentity, every read signed with the session moto issued", async () => {
    // moto's access control off for this run: it would refuse the plan's ARN-scoped GetParameters
    // grant (it matches Resource against "*"); the next test runs with it on.
    await moto.resetAuth(Infinity);
    const p = await pod();
    await moto.startRecording();
    const r = await runFetch({ env: env(p, spec.files), timeoutMs: 60_000, ...as });
    assert.equal(r.code, 0, `exit 0; logs: ${JSON.stringify(r.logs)}`);
    assertWritten(p.volume, spec.files);
    // The env file: each variable the stored value of its file.
    const envPath = path.join(p.volume, spec.envFile!.path);
    assert.equal((fs.statSync(envPath).mode & 0o777).toString(8), "440", "the env file: every file mode 0440");
    const envFile = fs.readFileSync(envPath);
    const vars = parseDotenv(envFile);
    for (const [name, file] of Object.entries(spec.envFile!.vars))
      assert.equal(sha(vars[name] ?? ""), sha(expected.get(file)!), `${spec.envFile!.path}: ${name}`);
    const ops = await assertUsedTheSession(p.token);
    // The batch read of the Secrets Manager secrets and one GetParameters with decryption.
    assert.deepEqual([...new Set(ops)].sort(), ["secretsmanager.BatchGetSecretValue", "ssm.GetParameters"]);
    const recorded = await moto.recording();
    const batch = recorded.filter((q) => operationOf(q) === "secretsmanager.BatchGetSecretValue");
    assert.deepEqual(
      [...new Set(batch.flatMap((q) => JSON.parse(q.body).SecretIdList as string[]))].sort(),
      [...arnOf.values()].sort(),
    );
    const params = JSON.parse(recorded.find((q) => operationOf(q) === "ssm.GetParameters")!.body);
    assert.equal(params.WithDecryption, true);
    assertNoValue(r, "successful run");
  });

  it("with moto's access control on: moto checks the fetcher's SigV4 signatures against the session it issued and allows the Secrets Manager reads by the plan's own statement (BatchGetSecretValue)", async () => {
    // The one request let through unchecked must be the fetcher's unsigned STS call (moto 5.2.6
    // answers an unsigned request with HTTP 500 when access control is on; AWS takes it unsigned).
    await moto.resetAuth(1);
    const p = await pod();
    await moto.startRecording();
    const files = spec.files.filter(isSecretsManager);
    const r = await runFetch({ env: env(p, files), timeoutMs: 60_000, ...as });
    assert.equal(r.code, 0, `exit 0; logs: ${JSON.stringify(r.logs)}`);
    assertWritten(p.volume, files);
    const ops = await assertUsedTheSession(p.token);
    assert.deepEqual([...new Set(ops)], ["secretsmanager.BatchGetSecretValue"], "no refusal, no fallback");
    assertNoValue(r, "checked run");
  });

  it("moto refuses what a role's plan does not grant (a Secrets Manager read under a role planned for an SSM parameter only): exit 1, a file-failed line per file with moto's 403, nothing written", async () => {
    // A second declaration, planned by the component's own builders: ServiceAccount `flags` reads
    // the example's SSM parameter only.
    const parameter = spec.files.find((f) => sourceOf(f).type === "aws-ssm")!;
    const parameterArn = moto.must("ssm", "get_parameter", { Name: sourceOf(parameter).name }).Parameter.ARN;
    const { namespace } = plan.serviceAccount;
    const role = moto.must("iam", "create_role", {
      RoleName: "flags-role",
      AssumeRolePolicyDocument: JSON.stringify(
        irsaTrustPolicy({
          oidcProviderArn: plan.providerArn,
          issuer: plan.issuerUrl.replace("https://", ""),
          namespace,
          serviceAccountName: "flags",
        }),
      ),
    }).Role;
    const flagsPolicy = policyFor([{ store: "ssm-parameter", arn: parameterArn }]);
    assert.ok(!JSON.stringify(flagsPolicy).includes("secretsmanager"), "the plan grants no Secrets Manager action");
    moto.must("iam", "put_role_policy", {
      RoleName: "flags-role",
      PolicyName: "flags-read",
      PolicyDocument: JSON.stringify(flagsPolicy),
    });

    // What moto says to that role's session (boto3, not the fetcher).
    const p = await pod("flags");
    await moto.resetAuth(1);
    const session = moto.must(
      "sts",
      "assume_role_with_web_identity",
      { RoleArn: role.Arn, RoleSessionName: "flags-probe", WebIdentityToken: p.token },
      null,
    ).Credentials as AwsCredentials;
    const [refused] = moto.call(
      [{ service: "secretsmanager", method: "batch_get_secret_value", params: { SecretIdList: [...arnOf.values()] } }],
      session,
    );
    assert.equal(refused.error?.status, 403, JSON.stringify(refused.error));
    assert.match(String(refused.error?.message), /not authorized to perform: secretsmanager:BatchGetSecretValue/);

    // The fetcher, as that role, asked for the example's Secrets Manager files.
    await moto.resetAuth(1);
    await moto.startRecording();
    const files = spec.files.filter(isSecretsManager);
    const r = await runFetch({ env: env(p, files, role.Arn), timeoutMs: 60_000, ...as });
    assert.equal(r.code, 1, `exit 1 (FETCH_FAILED); logs: ${JSON.stringify(r.logs)}`);
    const failed = r.logs.filter((l: LogLine) => l.event === "file-failed");
    assert.deepEqual(failed.map((l) => l.file).sort(), files.map((f) => f.path).sort(), "one line per file");
    // moto answers a Secrets Manager (JSON protocol) denial in the Query protocol's XML
    // (<ErrorResponse><Error><Code>AccessDenied…) with HTTP 403, where AWS answers JSON
    // {"__type":"AccessDeniedException"} with HTTP 400: the SDK cannot parse it, so the fetcher's
    // line says `malformed` with moto's 403, not `access-denied` (the AWS double answers as AWS
    // does: the fast tier proves the `access-denied` line).
    for (const l of failed) {
      assert.equal(l.cause, "malformed", JSON.stringify(l));
      assert.match(String(l.message), /HTTP 403/, JSON.stringify(l));
    }
    assert.ok(
      r.logs.some((l) => l.event === "fetch-failed"),
      "the fetch-failed summary",
    );
    assert.deepEqual(fs.readdirSync(p.volume), [], "nothing written");
    const ops = await assertUsedTheSession(p.token, role.Arn);
    assert.ok(ops.includes("secretsmanager.BatchGetSecretValue"), ops.join(", "));
    assertNoValue(r, "refused run");
  });

  it("EKS's real pod identity webhook (registered with the API server) admits the rendered pod: its fetch container's env as admitted, with the token its projected volume asks for, reads every Secrets Manager file from moto with access control on", async function () {
    // Built for the node suite (tests-real/node.test.ts), which runs later: used here once it is.
    const webhookBin = needCachedTool(this, "amazon-eks-pod-identity-webhook", "tests-real/node.test.ts");
    const webhook = await startEksWebhook(cluster, webhookBin, path.join(work, "eks-webhook"), plan.region);
    try {
      const { namespace } = plan.serviceAccount;
      const created = await cluster.request(
        "POST",
        `/api/v1/namespaces/${namespace}/pods`,
        podFromTemplate(plan.deployment, "webhook"),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
      const admitted = created.body;
      const fetch = [...(admitted.spec.initContainers ?? []), ...admitted.spec.containers].find(
        (c: { name: string }) => c.name === plan.fetchContainer.name,
      );
      const admittedEnv = containerEnv(fetch, admitted.metadata);
      assert.equal(admittedEnv.AWS_ROLE_ARN, plan.roleArn, "the webhook injected the ServiceAccount's role");
      // The token the kubelet would project: the volume the webhook added, at the path its env names.
      const tokenPath = admittedEnv.AWS_WEB_IDENTITY_TOKEN_FILE;
      const mount = fetch.volumeMounts.find((m: { mountPath: string }) => tokenPath.startsWith(`${m.mountPath}/`));
      const volume = admitted.spec.volumes.find((v: { name: string }) => v.name === mount.name);
      const projected = volume.projected.sources.find((x: Record<string, unknown>) => x.serviceAccountToken)
        .serviceAccountToken as { audience: string; expirationSeconds: number; path: string };
      assert.equal(projected.audience, plan.audience, "the webhook's token audience is the trust's :aud");
      assert.equal(path.posix.join(mount.mountPath, projected.path), tokenPath);
      const token = await requestToken(
        cluster,
        namespace,
        admitted.spec.serviceAccountName,
        [projected.audience],
        projected.expirationSeconds,
      );
      const p = await pod();
      fs.writeFileSync(p.tokenFile, token, { mode: 0o644 });

      await moto.resetAuth(1);
      await moto.startRecording();
      const files = spec.files.filter(isSecretsManager);
      const r = await runFetch({
        env: { ...admittedEnv, AWS_WEB_IDENTITY_TOKEN_FILE: p.tokenFile, ...testOnly(p, files) },
        timeoutMs: 60_000,
        ...as,
      });
      assert.equal(r.code, 0, `exit 0; logs: ${JSON.stringify(r.logs)}`);
      assertWritten(p.volume, files);
      const ops = await assertUsedTheSession(token, plan.roleArn, admitted.metadata.name);
      assert.deepEqual([...new Set(ops)], ["secretsmanager.BatchGetSecretValue"]);
      assertNoValue(r, "webhook run");
    } finally {
      webhook.stop();
    }
  });

  it("what moto 5.2.6 does not check, measured (when one of these changes, turn it into a check above): the token and the trust policy at AssumeRoleWithWebIdentity, the Resource of Secrets Manager and SSM grants, and unsigned requests under access control", async () => {
    const assume = async (token: string) => {
      await moto.resetAuth(1);
      return moto.call(
        [
          {
            service: "sts",
            method: "assume_role_with_web_identity",
            params: { RoleArn: plan.roleArn, RoleSessionName: "gap-probe", WebIdentityToken: token },
          },
        ],
        null,
      )[0];
    };
    const { namespace } = plan.serviceAccount;
    // AWS refuses each of these (the trust's :sub and :aud conditions; InvalidIdentityToken); moto issues credentials.
    const otherAccount = await assume(await requestToken(cluster, namespace, "other", [plan.audience]));
    const apiAudience = await assume(await requestToken(cluster, namespace, plan.serviceAccount.name));
    const notAJwt = await assume("not-a-token");
    for (const [what, got] of Object.entries({ otherAccount, apiAudience, notAJwt }))
      assert.ok(got.ok?.Credentials?.AccessKeyId, `${what}: moto issued credentials (${JSON.stringify(got.error)})`);

    // Unsigned with access control on: HTTP 500, where AWS answers.
    await moto.resetAuth(0);
    const [unsigned] = moto.call(
      [
        {
          service: "sts",
          method: "assume_role_with_web_identity",
          params: { RoleArn: plan.roleArn, RoleSessionName: "gap-probe", WebIdentityToken: "xxxx" },
        },
      ],
      null,
    );
    // (an HTML error page botocore cannot parse: no status reaches its exception)
    assert.match(String(unsigned.error?.message), /500 Internal Server Error/, JSON.stringify(unsigned.error));

    // The role's own session (the right token): the plan grants these by ARN; AWS allows them, moto refuses.
    const good = await assume((await pod()).token);
    const session = good.ok.Credentials as AwsCredentials;
    const parameter = sourceOf(spec.files.find((f) => sourceOf(f).type === "aws-ssm")!).name!;
    const [declaredSecret, declaredParameter, batch] = moto.call(
      [
        { service: "secretsmanager", method: "get_secret_value", params: { SecretId: [...arnOf.values()][0] } },
        { service: "ssm", method: "get_parameters", params: { Names: [parameter], WithDecryption: true } },
        // AWS answers the undeclared one with an error entry (no GetSecretValue on it); moto with its value.
        {
          service: "secretsmanager",
          method: "batch_get_secret_value",
          params: { SecretIdList: [[...arnOf.values()][0], undeclaredArn] },
        },
      ],
      session,
    );
    assert.equal(
      declaredSecret.error?.status,
      403,
      `GetSecretValue of a declared secret: ${JSON.stringify(declaredSecret)}`,
    );
    // …and says so in the Query protocol's XML, where AWS answers Secrets Manager and SSM in JSON.
    assert.match(String(declaredSecret.error?.message), /^<\?xml[\s\S]*<Code>AccessDenied<\/Code>/);
    assert.equal(
      declaredParameter.error?.status,
      403,
      `GetParameters of the declared parameter: ${JSON.stringify(declaredParameter)}`,
    );
    assert.deepEqual(
      (batch.ok?.SecretValues ?? []).map((v: { ARN: string }) => v.ARN).sort(),
      [[...arnOf.values()][0], undeclaredArn].sort(),
      `BatchGetSecretValue returned the undeclared secret's value too: ${JSON.stringify(batch.error ?? batch.ok?.Errors)}`,
    );
  });
});
