import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { parseFetchSpecJson } from "../../spec/fetch-spec";
import { validateDeployment } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";

const ROOT = path.resolve(__dirname, "../..");
const CLI = [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "components/render/cli.ts")];

function renderCli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
}

describe("npm run render -- examples/vault", () => {
  let tmp: string;
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(120000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-vault-"));
    out = path.join(tmp, "review");
    const r = await renderCli(["examples/vault", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
  });
  const cleanup: string[] = [];
  after(() => {
    for (const d of [tmp, ...cleanup]) fs.rmSync(d, { recursive: true, force: true });
  });

  it("writes the Vault policy (HCL as Vault stores it) and the role next to the Kubernetes YAML", () => {
    assert.deepEqual(files(out).sort(), [
      ".secret-mount-render",
      "README.md",
      "fetch-spec/billing-api.json",
      "kubernetes.yaml",
      "vault/billing-billing-api.role.json",
      "vault/secret-mount-kubernetes-billing-billing-api.policy.hcl",
    ]);
    assert.equal(
      fs.readFileSync(path.join(out, "vault/secret-mount-kubernetes-billing-billing-api.policy.hcl"), "utf8"),
      [
        "# secret-mount: the ServiceAccount billing/billing-api (component billing-api) reads exactly these secrets",
        'path "secret/data/apps/billing/stripe" {',
        '  capabilities = ["read"]',
        "}",
        "",
        'path "secret/data/secret-mount-vault/example/billing-api/db-password" {',
        '  capabilities = ["read"]',
        "}",
        "",
      ].join("\n"),
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "vault/billing-billing-api.role.json"), "utf8")), {
      role_name: "billing-billing-api",
      auth_mount: "kubernetes",
      bound_service_account_names: ["billing-api"],
      bound_service_account_namespaces: ["billing"],
      audience: "vault",
      token_ttl: 300,
      token_max_ttl: 300,
      token_policies: ["secret-mount-kubernetes-billing-billing-api"],
      token_no_default_policy: true,
    });
  });

  it("the Kubernetes objects are valid and restricted; the FetchSpec reads Vault by reference, in refresh mode", () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => d.kind),
      ["Namespace", "ServiceAccount", "Deployment"],
    );
    validateDeployment(docs[2]);
    assert.deepEqual(restrictedViolations(docs[2].spec.template.spec, docs[2].spec.template.metadata), []);
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.equal(spec.mode, "refresh");
    assert.ok(
      spec.files.every(
        (f) =>
          f.source.type === "vault-kv" &&
          f.source.role === "billing-billing-api" &&
          f.source.address === "https://vault.vault.svc:8200",
      ),
    );
  });

  it("the summary says who may read what, and that only the fetcher holds the login token", () => {
    const text = stdout.replace(/\n {20,}/g, " ");
    assert.match(
      text,
      /who may read +ServiceAccount billing\/billing-api with a token for audience vault, logging in to role billing-billing-api/,
    );
    assert.match(
      text,
      /grants +read on secret\/data\/apps\/billing\/stripe read on secret\/data\/secret-mount-vault\/example\/billing-api\/db-password/,
    );
    assert.match(text, /vault login token +projected for audience vault, mounted in secret-mount-fetch only/);
    assert.match(
      text,
      /SecretV2 {2}billing-api-db-password\n {4}KV v2 secret +secret\/secret-mount-vault\/example\/billing-api\/db-password\n {4}value +withheld/,
    );
    assert.deepEqual(
      stdout.split("\n").filter((l) => l.length > 100),
      [],
    );
  });

  it("a role managed elsewhere: the review writes what its policy must grant", async function () {
    this.timeout(120000);
    // Inside the checkout (out/ is ignored), so the program resolves the repository's packages.
    fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, "out", "vault-elsewhere-"));
    cleanup.push(dir);
    const program = fs
      .readFileSync(path.join(ROOT, "examples/vault/index.ts"), "utf8")
      .replace(
        'authMount: config.get("vaultAuthMount"),',
        'authMount: config.get("vaultAuthMount"), role: { name: "ops-billing", existing: true },',
      );
    assert.match(program, /existing: true/);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      fs.readFileSync(path.join(ROOT, "examples/vault/Pulumi.yaml"), "utf8"),
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.example.yaml"),
      fs.readFileSync(path.join(ROOT, "examples/vault/Pulumi.example.yaml"), "utf8"),
    );
    fs.symlinkSync(path.join(ROOT, "examples/vault/package.json"), path.join(dir, "package.json"));
    const r = await renderCli([dir, "--out", path.join(dir, "review")]);
    assert.equal(r.code, 0, r.stderr);
    const written = files(path.join(dir, "review"));
    assert.ok(written.includes("vault/ops-billing.required-policy.hcl"), written.join(","));
    assert.ok(
      !written.some((f) => f.endsWith(".role.json") || (f.endsWith(".policy.hcl") && !f.includes("required"))),
      "nothing created in Vault",
    );
    assert.match(
      r.stdout.replace(/\n {20,}/g, " "),
      /vault role elsewhere +role ops-billing is not created here: it must be bound to exactly ServiceAccount billing\/billing-api/,
    );
  });
});
