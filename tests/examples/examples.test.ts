import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { parseFetchSpecJson } from "../../components/spec/fetch-spec";
import { runProgram } from "../../components/render/offline-engine";
import { validateDeployment, validateNamespace, validateServiceAccount } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = fs.readdirSync(path.join(ROOT, "examples")).filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "Pulumi.yaml")));
// The offline engine runs Node.js programs; other languages reach the component through the generated
// SDK, which needs the Pulumi CLI (their proof: tests/packaging/schema.test.ts and the real-parts tier).
const NODE_EXAMPLES = EXAMPLES.filter((d) => /^runtime:\s*(\n\s+name:\s*)?nodejs\b/m.test(fs.readFileSync(path.join(ROOT, "examples", d, "Pulumi.yaml"), "utf8")));

describe("examples run under the offline engine, so they never rot", () => {
  it("there is at least the EKS example", () => assert.ok(EXAMPLES.includes("eks"), EXAMPLES.join(",")));

  it("every example is a Node.js program or says in its README what proves it instead", () => {
    for (const d of EXAMPLES.filter((e) => !NODE_EXAMPLES.includes(e))) {
      assert.match(fs.readFileSync(path.join(ROOT, "examples", d, "README.md"), "utf8"), /## What proves it/, d);
    }
  });

  for (const example of NODE_EXAMPLES) {
    it(`${example}: registers a workload whose objects are valid and restricted`, async () => {
      const run = await runProgram(path.join(ROOT, "examples", example));
      const deployments = run.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
      assert.ok(deployments.length >= 1);
      for (const d of deployments) {
        validateDeployment(d.inputs);
        const tpl = (d.inputs as any).spec.template;
        assert.deepEqual(restrictedViolations(tpl.spec, tpl.metadata), []);
      }
      for (const sa of run.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")) validateServiceAccount(sa.inputs);
      for (const ns of run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) validateNamespace(ns.inputs);
      // Each platform's own review output: the role and its policy on EKS, the IAM members on GKE.
      const platformKeys = ({ gke: ["iamMembers"] } as Record<string, string[]>)[example] ?? ["roleArn", "permissionPolicy"];
      for (const key of ["serviceAccountName", "deploymentName", "mountPath", "fetchSpec", ...platformKeys]) {
        assert.ok(run.outputs[key], `${example} exports ${key}`);
      }
      parseFetchSpecJson(String(run.outputs.fetchSpec));
    });
  }
});

describe("npm run render (the main job)", () => {
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(60000);
    out = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-"));
    const r = await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "components/render/cli.ts", "examples/eks", "--out", out], { cwd: ROOT });
    stdout = r.stdout;
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes the review folder: Kubernetes YAML, IAM JSON, the FetchSpec", () => {
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    assert.deepEqual(files(out).sort(), [
      "fetch-spec/billing-api.json",
      "iam/billing-api-read.permission-policy.json",
      "iam/billing-api-role.trust-policy.json",
      "kubernetes.yaml",
    ]);
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(docs.map((d) => d.kind), ["Namespace", "ServiceAccount", "Deployment"]);
    validateDeployment(docs[2]);
    assert.deepEqual(restrictedViolations(docs[2].spec.template.spec, docs[2].spec.template.metadata), []);
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.equal(JSON.stringify(spec), docs[2].spec.template.spec.initContainers[0].env[0].value);
    const trust = JSON.parse(fs.readFileSync(path.join(out, "iam/billing-api-role.trust-policy.json"), "utf8"));
    assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
  });

  it("prints a summary table a reviewer can read", () => {
    assert.match(stdout, /^TYPE\s+NAME\s+WHAT A REVIEWER SHOULD SEE$/m);
    assert.match(stdout, /aws:iam\/role:Role\s+billing-api-role\s+trust .* if sub=system:serviceaccount:billing:billing-api, aud=sts.amazonaws.com/);
    assert.match(stdout, /kubernetes:apps\/v1:Deployment\s+billing-api-deployment\s+.*ro-rootfs true, caps drop ALL; volume Memory/);
    assert.match(stdout, /Wrote 4 files to /);
  });

  it("writes no generated or supplied value anywhere", () => {
    const all = [stdout, ...["kubernetes.yaml", "fetch-spec/billing-api.json"].map((f) => fs.readFileSync(path.join(out, f), "utf8"))].join("\n");
    assert.ok(!all.includes("(generated at pulumi up)"), "placeholder values of generated secrets must not be written");
    assert.ok(!/BEGIN [A-Z ]*PRIVATE KEY/.test(all));
  });

  it("fails with one clear line for a directory that is not a program", async () => {
    await assert.rejects(
      promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "components/render/cli.ts", "tests"], { cwd: ROOT }),
      (e: { code: number; stderr: string }) => e.code === 2 && /tests has no Pulumi.yaml/.test(e.stderr),
    );
  });
});

describe("npm run render -- examples/gke", () => {
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(60000);
    out = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-gke-"));
    const r = await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "components/render/cli.ts", "examples/gke", "--out", out], { cwd: ROOT });
    stdout = r.stdout;
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes the Kubernetes YAML, the FetchSpec and every IAM member (secret, role, member) as JSON", () => {
    const principal = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-billing.svc.id.goog/subject/ns/billing/sa/billing-api";
    const members = JSON.parse(fs.readFileSync(path.join(out, "iam/gcp-iam-members.json"), "utf8"));
    assert.deepEqual(members.map((m: { resource: string }) => m.resource).sort(), [
      "projects/acme-billing/locations/europe-west4/secrets/secret-mount-gke-example-billing-api-signing-key",
      "projects/acme-billing/secrets/secret-mount-gke-example-billing-api-db-password",
      "projects/acme-shared/secrets/stripe",
    ]);
    for (const m of members) assert.deepEqual([m.role, m.member], ["roles/secretmanager.secretAccessor", principal]);
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(docs.map((d) => d.kind), ["Namespace", "ServiceAccount", "Deployment"]);
    validateDeployment(docs[2]);
    assert.deepEqual(restrictedViolations(docs[2].spec.template.spec, docs[2].spec.template.metadata), []);
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.ok(spec.files.every((f) => f.source.type === "gcp-secretmanager" && /\/versions\/(latest|\d+)$/.test(f.source.name)));
  });

  it("says in the summary that every container of the pod gets the identity, and shows each grant", () => {
    assert.match(stdout, /gke:workload-identity\s+ns\/billing\/sa\/billing-api\s+every container of the pod \(the app too\) gets this identity from the GKE metadata server: no per-container exclusion/);
    assert.match(stdout, /SecretIamMember\s+billing-api-stripe-accessor\s+roles\/secretmanager.secretAccessor on projects\/acme-shared\/secrets\/stripe for principal:\/\/.*\(additive\)/);
    assert.match(stdout, /RegionalSecretVersion\s+billing-api-signing-key-value\s+value withheld/);
  });
});
