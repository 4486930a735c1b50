import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { uniquePaths } from "../../components/render/unique-paths";
import { replaceOutDir } from "../../components/render/out-dir";
import { buildArtifacts, formatReview, REVIEW_WIDTH } from "../../components/render/artifacts";
import { DEFAULT_SCOPE, OfflineMocks, type RecordedResource } from "../../components/render/offline-engine";
import { formatBytes, wrapText } from "../../components/review/terminal-text";
import { parseFetchSpecJson } from "../../spec/fetch-spec";
import type { SecretMountedWorkloadArgs } from "../../components";
import { baseArgs, mockWorkload } from "./mock-run";

const MARKER = "sm-canary-render-91ac";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SSM_KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/99999999-aaaa-bbbb-cccc-dddddddddddd";
const BOUNDARY = "arn:aws:iam::111122223333:policy/platform/boundaries/workload-secrets-readers-boundary";
const OIDC =
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E";
const SECRET_ARNS = Array.from(
  { length: 6 },
  (_, n) =>
    `arn:aws:secretsmanager:eu-west-1:111122223333:secret:teams/payments/production/billing-api/component-${n}-AbCdEf`,
);

/** Everything a reviewer is shown: the terminal review and every file. */
function review(resources: RecordedResource[], placeholders: { value: string; standsFor: string }[] = []) {
  const { artifacts, entries, notes } = buildArtifacts(resources, {
    project: "p",
    stack: "example",
    placeholders,
    scope: { ...DEFAULT_SCOPE, regionConfigured: true },
  });
  const text = formatReview("p (stack example)", entries, notes);
  return { text, entries, artifacts, all: [text, ...artifacts.map((a) => a.content)].join("\n") };
}

/** Declares a workload under the offline engine's own mocks and reviews what it registered. */
async function reviewWorkload(name: string, secrets: SecretMountedWorkloadArgs["secrets"]) {
  const mocks = new OfflineMocks();
  const w = await mockWorkload(name, baseArgs({ secrets }), mocks);
  return { w, ...review(w.resources, mocks.placeholders) };
}

function role(extra: Record<string, unknown> = {}): RecordedResource {
  const trust = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServiceAccountWebIdentity",
        Effect: "Allow",
        Principal: { Federated: OIDC },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${ISSUER}:sub`]: "system:serviceaccount:billing:billing-api",
            [`${ISSUER}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
  return {
    type: "aws:iam/role:Role",
    name: "a-role",
    custom: true,
    inputs: { assumeRolePolicy: JSON.stringify(trust), maxSessionDuration: 3600, ...extra },
  };
}

function rolePolicy(): RecordedResource {
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadDeclaredSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARNS },
      {
        Sid: "DecryptDeclaredSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: KEY_ARN,
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
    ],
  };
  return {
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "a-read",
    custom: true,
    inputs: { role: "a-role-id", policy: JSON.stringify(policy) },
  };
}

function deployment(appMount: Record<string, unknown>, sizeLimit = "1Mi"): RecordedResource {
  const mount = { name: "secret-mount", mountPath: "/run/secrets/app" };
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: "a-deployment",
    custom: true,
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "a", namespace: "ns" },
      spec: {
        replicas: 1,
        template: {
          metadata: {},
          spec: {
            initContainers: [
              {
                name: "secret-mount-fetch",
                image: "fetch@sha256:00",
                volumeMounts: [mount],
                securityContext: { runAsUser: 65532 },
              },
            ],
            containers: [
              { name: "good", image: "app:1", volumeMounts: [{ ...mount, readOnly: true }] },
              { name: "bad", image: "app:1", volumeMounts: [{ ...mount, ...appMount }] },
            ],
            volumes: [{ name: "secret-mount", emptyDir: { medium: "Memory", sizeLimit } }],
          },
        },
      },
    },
  };
}

/** The lines the review prints for one app container. */
function appLines(text: string, name: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trimStart().startsWith(`app ${name} `));
  assert.ok(start >= 0, text);
  let end = start + 1;
  while (end < lines.length && /^ {6,}/.test(lines[end])) end++;
  return lines.slice(start, end).join("\n");
}

describe("render artifacts", () => {
  it("never copies the inputs of resources that carry secret values, nor Pulumi secrets", () => {
    const resources: RecordedResource[] = [
      {
        type: "aws:secretsmanager/secretVersion:SecretVersion",
        name: "a-db-value",
        custom: true,
        inputs: { secretId: "a-db-id", secretString: MARKER },
      },
      {
        type: "aws:ssm/parameter:Parameter",
        name: "a-flags",
        custom: true,
        inputs: { name: "/a/flags", type: "SecureString", value: MARKER },
      },
      {
        type: "random:index/randomPassword:RandomPassword",
        name: "a-pw",
        custom: true,
        inputs: { length: 32, result: MARKER },
      },
      {
        type: "tls:index/privateKey:PrivateKey",
        name: "a-key",
        custom: true,
        inputs: { algorithm: "RSA", privateKeyPem: MARKER },
      },
      {
        type: "kubernetes:core/v1:ConfigMap",
        name: "a-cm",
        custom: true,
        inputs: {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "a" },
          data: { k: { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: MARKER } },
        },
      },
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "a-read",
        custom: true,
        inputs: { role: "r", policy: { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: `{"x":"${MARKER}"}` } },
      },
    ];
    const { all, text } = review(resources);
    assert.ok(!all.includes(MARKER));
    assert.match(all, /\/a\/flags/);
    assert.match(text, /grant +NOT READABLE offline/);
  });

  it("shows the KMS key of created secrets and parameters, and the role's permissions boundary", () => {
    const { text } = review([
      {
        type: "aws:secretsmanager/secret:Secret",
        name: "a-db",
        custom: true,
        inputs: { name: "p/a/db", kmsKeyId: KEY_ARN },
      },
      {
        type: "aws:ssm/parameter:Parameter",
        name: "a-flags",
        custom: true,
        inputs: { name: "/a/flags", type: "SecureString", keyId: SSM_KEY_ARN, value: MARKER },
      },
      role({ permissionsBoundary: BOUNDARY }),
    ]);
    const flat = text.replace(/\n\s+/g, "");
    for (const v of [KEY_ARN, SSM_KEY_ARN, BOUNDARY]) assert.ok(flat.includes(v), `${v} missing from\n${text}`);
    assert.match(text, /permissions boundary/);
  });

  it("says so when the AWS-managed keys and no boundary are used", () => {
    const { text } = review([
      { type: "aws:secretsmanager/secret:Secret", name: "a-db", custom: true, inputs: { name: "p/a/db" } },
      {
        type: "aws:ssm/parameter:Parameter",
        name: "a-flags",
        custom: true,
        inputs: { name: "/a/flags", type: "SecureString" },
      },
      role(),
    ]);
    assert.match(text, /KMS key +aws\/secretsmanager \(the AWS-managed key\)/);
    assert.match(text, /KMS key +alias\/aws\/ssm \(the AWS-managed key\)/);
    assert.match(text, /permissions boundary +none/);
  });

  it("shows every grant: each resource, action and condition, within 100 columns", () => {
    const { text } = review([
      role({ permissionsBoundary: BOUNDARY }),
      rolePolicy(),
      deployment({ readOnly: true }, "12800Ki"),
    ]);
    const flat = text.replace(/\n\s+/g, "");
    for (const arn of [...SECRET_ARNS, KEY_ARN, OIDC]) assert.ok(flat.includes(arn), `${arn} missing from\n${text}`);
    assert.match(text, /kms:ViaService = secretsmanager\.eu-west-1\.amazonaws\.com/);
    assert.ok(flat.includes(`${ISSUER}:sub = system:serviceaccount:billing:billing-api`), text);
    const long = text.split("\n").filter((l) => l.length > REVIEW_WIDTH);
    assert.deepEqual(long, []);
  });

  it("prints the volume size in human units, beside the manifest's quantity", () => {
    const { text, artifacts } = review([deployment({ readOnly: true }, "12800Ki")]);
    assert.match(text.replace(/\n +/g, " "), /12\.5 MiB \(sizeLimit 12800Ki\)/);
    assert.match(artifacts.find((a) => a.path === "kubernetes.yaml")!.content, /sizeLimit: 12800Ki/);
  });

  it("claims a read-only mount only for containers whose volumeMount is readOnly", () => {
    for (const mount of [{}, { readOnly: false }]) {
      const { text } = review([deployment(mount)]);
      assert.match(appLines(text, "good"), /at \/run\/secrets\/app read-only/);
      assert.doesNotMatch(appLines(text, "bad"), /read-only$/m);
      assert.match(appLines(text, "bad"), /WRITABLE/);
      assert.doesNotMatch(text, /apps read-only/);
    }
  });

  it("labels the values the offline engine invented as placeholders, in the review and the folder's README", () => {
    const roleArn = "arn:aws:iam::111122223333:role/a-role-1a2b3c4";
    const sa: RecordedResource = {
      type: "kubernetes:core/v1:ServiceAccount",
      name: "a-sa",
      custom: true,
      inputs: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "a", namespace: "ns", annotations: { "eks.amazonaws.com/role-arn": roleArn } },
      },
    };
    const { text, artifacts } = review(
      [sa, rolePolicy()],
      [
        { value: roleArn, standsFor: "ARN of a-role" },
        { value: "a-role-id", standsFor: "id of a-role" },
      ],
    );
    assert.match(text, /eks\.amazonaws\.com\/role-arn=<ARN of a-role>/);
    assert.match(text, /inline policy of +<id of a-role>/);
    assert.ok(!text.includes(roleArn));
    assert.match(text, /placeholders the engine fills at pulumi up/);
    const readme = artifacts.find((a) => a.path === "README.md")!.content;
    assert.match(readme, /placeholders the engine fills at `pulumi up`/);
    assert.ok(readme.includes(`| \`${roleArn}\` | ARN of a-role |`), readme);
  });
});

describe("render artifacts: the limits' other shapes (managed policies, a FetchSpec in a ConfigMap)", () => {
  it("150 secrets: writes each customer managed policy, shows every grant of each and the role it is attached to", async function () {
    this.timeout(60000);
    const names = Array.from(
      { length: 150 },
      (_, i) => `prod/payments/service-${String(i).padStart(3, "0")}/credential`,
    );
    const { w, text, entries, artifacts } = await reviewWorkload(
      "many",
      names.map((n, i) => ({ name: `s${i}`, existing: { name: n } })),
    );
    const policies = w.all("aws:iam/policy:Policy");
    assert.ok(policies.length >= 2, `${policies.length} managed policies`);
    assert.equal(w.all("aws:iam/rolePolicy:RolePolicy").length, 0);
    const readme = artifacts.find((a) => a.path === "README.md")!.content;
    const granted: string[] = [];
    for (const p of policies) {
      const doc = JSON.parse(String(p.inputs.policy));
      const file = artifacts.find((a) => a.path === `iam/${p.name}.permission-policy.json`);
      assert.ok(file, `iam/${p.name}.permission-policy.json missing from ${artifacts.map((a) => a.path).join(", ")}`);
      assert.deepEqual(JSON.parse(file.content), doc);
      assert.ok(
        readme.includes(
          `| \`iam/${p.name}.permission-policy.json\` | what role many-role may read (a customer managed permission policy attached to it) |`,
        ),
        readme,
      );

      const entry = entries.find((e) => e.type === "aws:iam/policy:Policy" && e.name === p.name)!;
      assert.deepEqual(entry.facts.find((f) => f.label === "attached to")?.values, ["role <name of many-role>"]);
      const shown = entry.facts.flatMap((f) => f.values);
      for (const s of doc.Statement) {
        for (const a of [s.Action].flat())
          assert.ok(
            shown.some((v) => v.startsWith(`Allow ${a}`)),
            `${p.name}: ${a} not shown`,
          );
        for (const r of [s.Resource].flat()) assert.ok(shown.includes(r), `${p.name}: ${r} not shown`);
        if (s.Action === "secretsmanager:GetSecretValue") granted.push(...s.Resource);
      }
      const attachment = entries.find(
        (e) => e.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && e.name === p.name,
      )!;
      assert.deepEqual(
        attachment.facts.map((f) => f.values[0]),
        [`<ARN of ${p.name}>`, "<name of many-role>"],
      );
    }
    assert.equal(new Set(granted).size, 150, "every secret's grant is shown once");
    assert.deepEqual(
      text.split("\n").filter((l) => l.length > REVIEW_WIDTH),
      [],
    );
  });

  it("950 files: writes the FetchSpec from the ConfigMap the fetch container mounts, and says it travels there", async function () {
    this.timeout(60000);
    const { w, text, artifacts } = await reviewWorkload(
      "big",
      Array.from({ length: 95 }, (_, i) => ({
        name: `json-${i}`,
        existing: { name: `prod/team/json-${i}` },
        files: Array.from({ length: 10 }, (_, j) => ({ path: `json-${i}/key-${j}`, jsonKey: `key${j}` })),
      })),
    );
    const cm = w.one("kubernetes:core/v1:ConfigMap");
    const fetchEnv = w
      .one("kubernetes:apps/v1:Deployment")
      .spec.template.spec.initContainers[0].env.map((e: { name: string }) => e.name);
    assert.ok(
      !fetchEnv.includes("SECRET_MOUNT_SPEC") && fetchEnv.includes("SECRET_MOUNT_SPEC_FILE"),
      fetchEnv.join(","),
    );

    const file = artifacts.find((a) => a.path === "fetch-spec/big.json");
    assert.ok(file, `no fetch-spec/big.json in ${artifacts.map((a) => a.path).join(", ")}`);
    const spec = parseFetchSpecJson(file.content);
    assert.equal(spec.files.length, 950);
    assert.deepEqual(spec, parseFetchSpecJson(cm.data["spec.json"]));

    const flat = text.replace(/\n +/g, " ");
    assert.match(
      flat,
      /FetchSpec +in the ConfigMap shop\/<name of big-fetch-spec> \(key spec\.json; too large for the environment\), mounted read-only at \/etc\/secret-mount-spec by secret-mount-fetch only/,
    );
    for (const f of spec.files)
      assert.ok(
        flat.includes(`${f.path} <- Secrets Manager ${(f.source as { secretId: string }).secretId} [key ${f.jsonKey}]`),
        f.path,
      );
    assert.deepEqual(
      text.split("\n").filter((l) => l.length > REVIEW_WIDTH),
      [],
    );

    // The ConfigMap in kubernetes.yaml carries the name the Deployment's volume refers to.
    const yaml = artifacts.find((a) => a.path === "kubernetes.yaml")!.content;
    assert.match(yaml, /kind: ConfigMap\nmetadata:\n(?: .*\n)*? {2}name: big-fetch-spec-1a2b3c4\n/);
  });

  it("a spec file no ConfigMap of the program provides is flagged, not guessed", () => {
    const d = deployment({ readOnly: true });
    const pod = (d.inputs as any).spec.template.spec;
    pod.initContainers[0].env = [{ name: "SECRET_MOUNT_SPEC_FILE", value: "/etc/secret-mount-spec/spec.json" }];
    pod.initContainers[0].volumeMounts.push({ name: "spec", mountPath: "/etc/secret-mount-spec", readOnly: true });
    pod.volumes.push({
      name: "spec",
      configMap: { name: "elsewhere", items: [{ key: "spec.json", path: "spec.json" }] },
    });
    const { text, artifacts } = review([d]);
    assert.match(
      text.replace(/\n +/g, " "),
      /FetchSpec +read from \/etc\/secret-mount-spec\/spec\.json, NOT READABLE offline: the ConfigMap ns\/elsewhere is not part of this program/,
    );
    assert.ok(!artifacts.some((a) => a.path.startsWith("fetch-spec/")));
  });
});

describe("render artifacts: every file has a path of its own", () => {
  it("a Deployment and a CronJob named web in one namespace, and a Deployment web in another: three FetchSpecs, three paths", async () => {
    const resources = [
      ...(await mockWorkload("a-web", baseArgs({ namespace: "team-a", deploymentName: "web" }))).resources,
      ...(
        await mockWorkload(
          "a-report",
          baseArgs({ namespace: "team-a", deploymentName: "web", kind: "CronJob", schedule: "0 3 * * *" }),
        )
      ).resources,
      ...(await mockWorkload("b-web", baseArgs({ namespace: "team-b", deploymentName: "web" }))).resources,
    ];
    const { artifacts } = review(resources);
    const paths = artifacts.map((a) => a.path);
    assert.equal(new Set(paths.map((p) => p.toLowerCase())).size, paths.length, paths.join("\n"));
    assert.deepEqual(
      paths.filter((p) => p.startsWith("fetch-spec/")),
      ["fetch-spec/team-a/web.json", "fetch-spec/team-a/web-2.json", "fetch-spec/team-b/web.json"],
    );
    const readme = artifacts.find((a) => a.path === "README.md")!.content;
    assert.match(
      readme,
      /\| `fetch-spec\/team-a\/web-2\.json` \| the FetchSpec the fetch container of CronJob team-a\/web reads/,
    );
  });

  it("paths that differ only in case are told apart (a case-insensitive file system would merge them)", () => {
    const files = [
      { path: "iam/Web.trust-policy.json", content: "1" },
      { path: "iam/web.trust-policy.json", content: "2" },
      { path: "readme.md", content: "3" },
    ];
    assert.deepEqual(
      uniquePaths(files, ["README.md"]).map((f) => f.path),
      ["iam/Web.trust-policy.json", "iam/web.trust-policy-2.json", "readme-2.md"],
    );
  });

  it("the folder writer refuses two files of one path before writing anything", () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "sm-clash-"));
    try {
      assert.throws(
        () =>
          replaceOutDir(path.join(parent, "review"), "review", [
            { path: "a/x.json", content: "1" },
            { path: "a/X.json", content: "2" },
          ]),
        /two review files would share the path a\/X\.json/,
      );
      assert.deepEqual(fs.readdirSync(parent), []);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe("terminal text", () => {
  it("wraps long tokens after ARN separators, never past the width", () => {
    const lines = wrapText(`on ${OIDC}`, 40);
    assert.ok(
      lines.every((l) => l.length <= 40),
      lines.join("\n"),
    );
    assert.equal(lines[0], "on");
    assert.equal(lines.slice(1).join(""), OIDC);
    assert.ok(
      lines.slice(1, -1).every((l) => /[/:,=]$/.test(l)),
      lines.join("\n"),
    );
  });

  it("formats byte counts in binary units", () => {
    assert.equal(formatBytes(12800 * 1024), "12.5 MiB");
    assert.equal(formatBytes(1024 * 1024), "1 MiB");
    assert.equal(formatBytes(512), "512 B");
  });
});

describe("render artifacts: Google (GKE)", () => {
  const SECRET_ID = "projects/p-1234/secrets/db";
  const PRINCIPAL =
    "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p-1234.svc.id.goog/subject/ns/shop/sa/api";

  it("never copies a Secret Manager version's value; lists each Google IAM member", () => {
    const resources: RecordedResource[] = [
      {
        type: "gcp:secretmanager/secretVersion:SecretVersion",
        name: "a-db-value",
        custom: true,
        inputs: { secret: "a-db-id", secretData: MARKER },
      },
      {
        type: "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion",
        name: "a-eu-value",
        custom: true,
        inputs: { secret: "a-eu-id", secretData: MARKER },
      },
      {
        type: "gcp:secretmanager/secretIamMember:SecretIamMember",
        name: "a-db-accessor",
        custom: true,
        inputs: {
          project: "p-1234",
          secretId: SECRET_ID,
          role: "roles/secretmanager.secretAccessor",
          member: "serviceAccount:r@p-1234.iam.gserviceaccount.com",
        },
      },
      {
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        name: "a-wi",
        custom: true,
        inputs: {
          serviceAccountId: "projects/p-1234/serviceAccounts/r@p-1234.iam.gserviceaccount.com",
          role: "roles/iam.workloadIdentityUser",
          member: "serviceAccount:p-1234.svc.id.goog[ns/a]",
        },
      },
    ];
    const { text, entries, artifacts, all } = review(resources);
    assert.ok(!all.includes(MARKER));
    for (const name of ["a-db-value", "a-eu-value"]) {
      assert.deepEqual(entries.find((e) => e.name === name)!.facts, [{ label: "value", values: ["withheld"] }]);
    }
    assert.deepEqual(JSON.parse(artifacts.find((a) => a.path === "iam/gcp-iam-members.json")!.content), [
      {
        resource: SECRET_ID,
        role: "roles/secretmanager.secretAccessor",
        member: "serviceAccount:r@p-1234.iam.gserviceaccount.com",
      },
      {
        resource: "r@p-1234.iam.gserviceaccount.com",
        role: "roles/iam.workloadIdentityUser",
        member: "serviceAccount:p-1234.svc.id.goog[ns/a]",
      },
    ]);
    assert.equal(artifacts.filter((a) => a.path === "iam/gcp-iam-members.json").length, 1);
    assert.match(
      artifacts.find((a) => a.path === "README.md")!.content,
      /`iam\/gcp-iam-members\.json` \| every Google IAM member/,
    );
    assert.deepEqual(
      text.split("\n").filter((l) => l.length > 100),
      [],
    );
  });

  const sa = (name: string): RecordedResource => ({
    type: "kubernetes:core/v1:ServiceAccount",
    name: `${name}-sa`,
    custom: true,
    inputs: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace: "shop" },
      automountServiceAccountToken: false,
    },
  });

  it("direct workload identity: the ServiceAccount's review says every container of the pod gets the identity", () => {
    const resources: RecordedResource[] = [
      sa("api"),
      sa("other"),
      {
        type: "gcp:secretmanager/secretIamMember:SecretIamMember",
        name: "a-db-accessor",
        custom: true,
        inputs: {
          project: "p-1234",
          secretId: SECRET_ID,
          role: "roles/secretmanager.secretAccessor",
          member: PRINCIPAL,
        },
      },
    ];
    const { text, entries } = review(resources);
    const facts = entries.find((e) => e.name === "api-sa")!.facts;
    assert.deepEqual(facts.find((f) => f.label === "workload identity")!.values, ["ns/shop/sa/api on GKE"]);
    assert.ok(
      !entries.find((e) => e.name === "other-sa")!.facts.some((f) => f.label === "shared in the pod"),
      "an unrelated ServiceAccount gets no GKE note",
    );
    assert.match(
      text.replace(/\n +/g, " "),
      /shared in the pod +every container of the pod \(the app too\) gets this identity from the GKE metadata server: no per-container exclusion/,
    );
    assert.deepEqual(
      text.split("\n").filter((l) => l.length > 100),
      [],
    );
  });

  /** Every entry's facts labelled "other clusters", as `<entry>: <text>` with the wrapping undone. */
  const samenessLines = (entries: { name: string; facts: { label: string; values: string[] }[] }[]) =>
    entries.flatMap((e) =>
      e.facts.filter((f) => f.label === "other clusters").map((f) => `${e.name}: ${f.values.join(" ")}`),
    );
  const SAMENESS =
    /^api-sa: SAME ACCESS for any cluster of workload identity pool p-1234\.svc\.id\.goog .*with a namespace "shop" and a ServiceAccount "api": the principal names no cluster \(Google's "identity sameness"\); give clusters of different trust their own project/;

  it("identity sameness: the ServiceAccount of a GKE workload says that any cluster of the pool with that namespace and ServiceAccount gets the same access, once", () => {
    const member = (name: string, secretId: string): RecordedResource => ({
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name,
      custom: true,
      inputs: { project: "p-1234", secretId, role: "roles/secretmanager.secretAccessor", member: PRINCIPAL },
    });
    const { text, entries } = review([
      sa("api"),
      sa("other"),
      member("a-db-accessor", SECRET_ID),
      member("a-api-accessor", "projects/p-1234/secrets/api"),
    ]);
    const lines = samenessLines(entries);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], SAMENESS);
    assert.match(
      text.replace(/\n +/g, " "),
      /other clusters +SAME ACCESS for any cluster of workload identity pool p-1234\.svc\.id\.goog/,
    );
    assert.deepEqual(
      text.split("\n").filter((l) => l.length > 100),
      [],
    );
  });

  it("identity sameness: a Google service account's workload identity user names no cluster either", () => {
    const { entries } = review([
      sa("api"),
      {
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        name: "a-wi",
        custom: true,
        inputs: {
          serviceAccountId: "projects/p-1234/serviceAccounts/r@p-1234.iam.gserviceaccount.com",
          role: "roles/iam.workloadIdentityUser",
          member: "serviceAccount:p-1234.svc.id.goog[shop/api]",
        },
      },
    ]);
    const lines = samenessLines(entries);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], SAMENESS);
  });

  it("identity sameness: with no ServiceAccount in the program (an existing one), the first member naming the principal carries the warning, once", () => {
    const member = (name: string, secretId: string): RecordedResource => ({
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name,
      custom: true,
      inputs: { project: "p-1234", secretId, role: "roles/secretmanager.secretAccessor", member: PRINCIPAL },
    });
    const { entries } = review([
      member("a-db-accessor", SECRET_ID),
      member("a-api-accessor", "projects/p-1234/secrets/api"),
      {
        type: "gcp:secretmanager/secretIamMember:SecretIamMember",
        name: "b-accessor",
        custom: true,
        inputs: {
          project: "p-1234",
          secretId: SECRET_ID,
          role: "roles/secretmanager.secretAccessor",
          member: "serviceAccount:r@p-1234.iam.gserviceaccount.com",
        },
      },
    ]);
    const lines = samenessLines(entries);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0],
      /^a-db-accessor: SAME ACCESS for any cluster of workload identity pool p-1234\.svc\.id\.goog .*namespace "shop" and a ServiceAccount "api"/,
    );
  });

  it("a Google service account: the ServiceAccount it is impersonated from gets the same warning", () => {
    const resources: RecordedResource[] = [
      sa("api"),
      {
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        name: "a-wi",
        custom: true,
        inputs: {
          serviceAccountId: "projects/p-1234/serviceAccounts/r@p-1234.iam.gserviceaccount.com",
          role: "roles/iam.workloadIdentityUser",
          member: "serviceAccount:p-1234.svc.id.goog[shop/api]",
        },
      },
    ];
    const { entries } = review(resources);
    assert.match(
      entries.find((e) => e.name === "api-sa")!.facts.find((f) => f.label === "shared in the pod")!.values[0],
      /every container of the pod/,
    );
  });
});
