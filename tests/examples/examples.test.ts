import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { parseFetchSpecJson } from "../../spec/fetch-spec";
import { runProgram } from "../../components/render/offline-engine";
import { validateDeployment, validateNamespace, validateServiceAccount } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "Pulumi.yaml")));
// The offline engine runs Node.js programs; other languages reach the component through the generated
// SDK, which needs the Pulumi CLI (their proof: tests/packaging/schema.test.ts and the real-parts tier).
const NODE_EXAMPLES = EXAMPLES.filter((d) =>
  /^runtime:\s*(\n\s+name:\s*)?nodejs\b/m.test(fs.readFileSync(path.join(ROOT, "examples", d, "Pulumi.yaml"), "utf8")),
);

describe("examples run under the offline engine, so they never rot", () => {
  it("there is at least the EKS example", () => assert.ok(EXAMPLES.includes("eks"), EXAMPLES.join(",")));

  it("every example is a Node.js program or says in its README what proves it instead", () => {
    for (const d of EXAMPLES.filter((e) => !NODE_EXAMPLES.includes(e))) {
      assert.match(fs.readFileSync(path.join(ROOT, "examples", d, "README.md"), "utf8"), /## What proves it/, d);
    }
  });

  // examples/ecs declares an ECS task, not a workload: tests/examples/ecs-example.test.ts proves it.
  for (const example of NODE_EXAMPLES.filter((d) => d !== "ecs")) {
    it(`${example}: registers a workload whose objects are valid and restricted`, async () => {
      const run = await runProgram(path.join(ROOT, "examples", example));
      const deployments = run.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
      assert.ok(deployments.length >= 1);
      for (const d of deployments) {
        validateDeployment(d.inputs);
        const tpl = (d.inputs as any).spec.template;
        assert.deepEqual(restrictedViolations(tpl.spec, tpl.metadata), []);
      }
      for (const sa of run.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount"))
        validateServiceAccount(sa.inputs);
      for (const ns of run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace"))
        validateNamespace(ns.inputs);
      // What each example exports beyond the deployment and its spec: its platform's review outputs.
      const platformOutputs: Record<string, string[]> = {
        eks: ["roleArn", "serviceAccountName", "mountPath", "permissionPolicy"],
        aks: ["identityClientId", "vaultUri", "roleAssignments", "federatedCredential"],
        gke: ["serviceAccountName", "mountPath", "iamMembers"],
        vault: ["serviceAccountName", "mountPath", "vaultPolicy", "vaultRole"],
      };
      for (const key of ["workloadName", "selectorLabels", "fetchSpec", ...(platformOutputs[example] ?? [])]) {
        assert.ok(run.outputs[key], `${example} exports ${key}`);
      }
      parseFetchSpecJson(String(run.outputs.fetchSpec));
    });
  }
});

const CLI = [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "components/render/cli.ts")];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the render CLI as a child process; never rejects. */
function renderCli(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tmpDirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-"));
  tmpDirs.push(d);
  return d;
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
}

/** The files render says it wrote: the lines under "Wrote <n> files to <out>:", and n. */
function listed(stdout: string): { count: number; paths: string[] } {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => /^Wrote \d+ files? to /.test(l));
  assert.ok(at >= 0, stdout.slice(-400));
  // The heading may wrap (a long --out); the paths are the indented lines after it.
  const paths = lines
    .slice(at + 1)
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim());
  return { count: Number(/^Wrote (\d+)/.exec(lines[at])![1]), paths };
}

/** A program directory outside the repository: the given files, nothing installed. */
function program(files: Record<string, string>): string {
  const dir = tmp();
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

const EKS_STACK = fs.readFileSync(path.join(ROOT, "examples/eks/Pulumi.example.yaml"), "utf8");
/** The EKS example's code, run from a program directory in a temp folder (main is absolute). */
const EKS_PROJECT = `name: secret-mount-eks\nruntime: nodejs\nmain: ${JSON.stringify(path.join(ROOT, "examples/eks/index.ts"))}\n`;

after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("npm run render (the main job)", () => {
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(60000);
    out = tmp();
    const r = await renderCli(["examples/eks", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
  });

  it("writes the review folder: Kubernetes YAML, IAM JSON, the FetchSpec, a README and its marker", () => {
    assert.deepEqual(files(out).sort(), [
      ".secret-mount-render",
      "README.md",
      "fetch-spec/billing-api.json",
      "iam/billing-api-read.permission-policy.json",
      "iam/billing-api-role.trust-policy.json",
      "kubernetes.yaml",
      "tags.json",
    ]);
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => d.kind),
      ["Namespace", "ServiceAccount", "Deployment"],
    );
    validateDeployment(docs[2]);
    assert.deepEqual(restrictedViolations(docs[2].spec.template.spec, docs[2].spec.template.metadata), []);
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.equal(JSON.stringify(spec), docs[2].spec.template.spec.initContainers[0].env[0].value);
    const trust = JSON.parse(fs.readFileSync(path.join(out, "iam/billing-api-role.trust-policy.json"), "utf8"));
    assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
  });

  it("prints a review a reviewer can read in a terminal: every line within 100 columns", () => {
    const long = stdout.split("\n").filter((l) => l.length > 100);
    assert.deepEqual(long, []);
    assert.match(stdout, /^aws:iam\/role:Role {2}billing-api-role$/m);
    assert.match(stdout, /^ {4}permissions boundary +none$/m);
    assert.match(stdout, /^ {4}KMS key +aws\/secretsmanager \(the AWS-managed key\)$/m);
    assert.match(stdout, /^ {4}KMS key +alias\/aws\/ssm \(the AWS-managed key\)$/m);
    assert.ok(
      stdout
        .replace(/\n +/g, "")
        .includes("EXAMPLED539D4633E53DE1B716D3041E:sub = system:serviceaccount:billing:billing-api"),
      stdout,
    );
    assert.match(stdout, /^ {4}app api [^]*?^ +mounts the secrets volume at \/run\/secrets\/app read-only$/m);
    assert.match(stdout, /secret-mount: memory-backed emptyDir \(tmpfs\), 1 MiB \(sizeLimit 1Mi\)/);
  });

  it("labels the values the offline engine invented as placeholders", () => {
    assert.match(stdout, /placeholders the engine fills at pulumi up/);
    assert.match(stdout, /eks\.amazonaws\.com\/role-arn=<ARN of billing-api-role>/);
    assert.match(stdout, /^ {6}on +<ARN of billing-api-feature-flags>$/m);
    assert.ok(!stdout.includes("role/billing-api-role-1a2b3c4"), "the invented role ARN is shown as a placeholder");
    const readme = fs.readFileSync(path.join(out, "README.md"), "utf8");
    assert.match(readme, /`arn:aws:iam::111122223333:role\/billing-api-role-1a2b3c4` \| ARN of billing-api-role \|/);
    assert.ok(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8").includes("role/billing-api-role-1a2b3c4"));
  });

  it("lists exactly the files on disk (plus its marker), each once", () => {
    const { count, paths } = listed(stdout);
    assert.equal(paths.length, count);
    assert.deepEqual([...paths, ".secret-mount-render"].sort(), files(out).sort());
  });

  it("tags.json: the tags of every AWS resource, by type and name", () => {
    const rows: Array<{ type: string; name: string; tags: Record<string, string> }> = JSON.parse(
      fs.readFileSync(path.join(out, "tags.json"), "utf8"),
    );
    const tagged = rows.map((r) => `${r.type} ${r.name}`);
    for (const r of [
      "aws:iam/role:Role billing-api-role",
      "aws:secretsmanager/secret:Secret billing-api-db-password",
      "aws:ssm/parameter:Parameter billing-api-feature-flags",
    ]) {
      assert.ok(tagged.includes(r), tagged.join("\n"));
    }
    for (const r of rows)
      assert.deepEqual(
        r.tags,
        { "managed-by": "secret-mount", "secret-mount/component": "billing-api" },
        `${r.type} ${r.name}`,
      );
  });

  it("prints --out as given (here an absolute path)", () => {
    assert.ok(path.isAbsolute(out));
    assert.ok(stdout.includes(`Wrote 6 files to ${out}:`), stdout.slice(-400));
  });

  it("writes no generated or supplied value anywhere", () => {
    const all = [
      stdout,
      ...["kubernetes.yaml", "fetch-spec/billing-api.json", "README.md"].map((f) =>
        fs.readFileSync(path.join(out, f), "utf8"),
      ),
    ].join("\n");
    assert.ok(!all.includes("(generated at pulumi up)"), "placeholder values of generated secrets must not be written");
    assert.ok(!/BEGIN [A-Z ]*PRIVATE KEY/.test(all));
  });

  it("fails with one clear line for a directory that is not a program", async () => {
    const r = await renderCli(["tests"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tests has no Pulumi.yaml/);
  });
});

describe("npm run render: a workload past the environment's and IAM's inline limits", () => {
  // 150 secrets, 950 files: the role reads through customer managed policies, the spec travels in a ConfigMap.
  const INDEX = `import { SecretMountedWorkload } from "secret-mount";
export const fetchSpec = new SecretMountedWorkload("many", {
  namespace: "shop",
  eks: { oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE", oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" },
  secrets: Array.from({ length: 150 }, (_, i) => ({
    name: "s" + i, existing: { name: "prod/payments/service-" + i + "/credential" },
    files: Array.from({ length: i < 100 ? 9 : 1 }, (_, j) => ({ path: "s" + i + "/key-" + j, jsonKey: "key" + j })),
  })),
  containers: [{ name: "app", image: "registry.example.com/shop@sha256:${"a".repeat(64)}", runAsUser: 10001 }],
  fetch: { image: "registry.example.com/fetch@sha256:${"b".repeat(64)}" },
}).fetchSpec;
`;
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(90000);
    const dir = program({
      "Pulumi.yaml": "name: many\nruntime: nodejs\n",
      "Pulumi.example.yaml": "config:\n  aws:region: eu-west-1\n",
      "index.ts": INDEX,
    });
    out = path.join(tmp(), "review");
    const r = await renderCli([dir, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
  });

  it("writes every managed policy and the FetchSpec read from the ConfigMap", () => {
    const written = files(out).sort();
    const policies = written.filter((f) => /^iam\/many-read-\d+\.permission-policy\.json$/.test(f));
    assert.ok(policies.length >= 2, written.join("\n"));
    assert.ok(written.includes("fetch-spec/many.json"), written.join("\n"));
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/many.json"), "utf8"));
    assert.equal(spec.files.length, 950);
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    const cm = docs.find((d) => d.kind === "ConfigMap");
    const deployment = docs.find((d) => d.kind === "Deployment");
    assert.deepEqual(parseFetchSpecJson(cm.data["spec.json"]), spec);
    assert.equal(
      deployment.spec.template.spec.volumes.find((v: { configMap?: unknown }) => v.configMap).configMap.name,
      cm.metadata.name,
    );
    const granted = policies.flatMap((f) =>
      JSON.parse(fs.readFileSync(path.join(out, f), "utf8"))
        .Statement.filter((s: { Action: unknown }) => s.Action === "secretsmanager:GetSecretValue")
        .flatMap((s: { Resource: string[] }) => s.Resource),
    );
    assert.equal(new Set(granted).size, 150);
  });

  it("says which role each managed policy is attached to, and that the spec travels in a ConfigMap", () => {
    assert.deepEqual(
      stdout.split("\n").filter((l) => l.length > 100),
      [],
    );
    const attached = stdout.match(/^ {4}attached to +role <name of many-role>$/gm) ?? [];
    assert.equal(attached.length, (stdout.match(/^aws:iam\/policy:Policy {2}many-read-\d+$/gm) ?? []).length);
    assert.ok(attached.length >= 2, stdout.slice(0, 2000));
    assert.match(
      stdout.replace(/\n +/g, " "),
      /FetchSpec +in the ConfigMap shop\/<name of many-fetch-spec> \(key spec\.json; too large for the environment\)/,
    );
  });
});

describe("npm run render: two workloads of one name in different namespaces", () => {
  it("writes a FetchSpec for each, under its namespace; what it lists is what is on disk", async function () {
    this.timeout(60000);
    const out = path.join(tmp(), "review");
    const r = await renderCli([path.join(ROOT, "tests/components/fixtures/same-name-program"), "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const { count, paths } = listed(r.stdout);
    assert.equal(paths.length, count);
    assert.equal(new Set(paths).size, paths.length, paths.join("\n"));
    assert.deepEqual([...paths, ".secret-mount-render"].sort(), files(out).sort());
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    for (const team of ["team-a", "team-b"]) {
      const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, `fetch-spec/${team}/web.json`), "utf8"));
      const deployment = docs.find((d) => d.kind === "Deployment" && d.metadata.namespace === team);
      assert.equal(
        JSON.stringify(spec),
        deployment.spec.template.spec.initContainers[0].env[0].value,
        `${team}: the spec its Deployment carries`,
      );
    }
    assert.match(
      fs.readFileSync(path.join(out, "README.md"), "utf8"),
      /\| `fetch-spec\/team-b\/web\.json` \| the FetchSpec the fetch container of Deployment team-b\/web reads/,
    );
  });
});

describe("npm run render: a declaration the library refuses", () => {
  const FIXTURE = path.join(ROOT, "tests/components/fixtures/declaration-error-program");
  for (const [what, args, line] of [
    [
      "inside an Output (a Pulumi secret as an env value), when it resolves",
      [],
      "render: web: containers[0].env.API_TOKEN: is a Pulumi secret: it would sit in clear text in the Deployment's pod spec",
    ],
    [
      "at once (a reserved namespace)",
      ["--stack", "namespace"],
      'render: web: namespace: "kube-system" belongs to the cluster itself; deploy the workload into its own namespace',
    ],
  ] as Array<[string, string[], string]>) {
    it(`${what}: one line naming the field and the fix, exit 2, nothing written (no folder, no staging folder)`, async function () {
      this.timeout(60000);
      const parent = tmp();
      const r = await renderCli([FIXTURE, "--out", path.join(parent, "review"), ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].startsWith(line), r.stderr);
      assert.ok(!r.stderr.includes("token-value-never-shown"), "the secret value is never printed");
      assert.deepEqual(fs.readdirSync(parent), []);
    });
  }
});

describe("npm run render: the programs it runs", () => {
  it("a JavaScript program with no `main:` runs from its index.js", async function () {
    this.timeout(60000);
    const out = path.join(tmp(), "review");
    const r = await renderCli([path.join(ROOT, "tests/components/fixtures/js-program"), "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(files(out).includes("fetch-spec/web.json"), files(out).join("\n"));
  });

  it("a program in another language (examples/python-eks): one line saying render runs Node.js programs and what to do instead, exit 2, nothing written", async () => {
    const parent = tmp();
    const r = await renderCli(["examples/python-eks", "--out", path.join(parent, "review")]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^render: examples\/python-eks\/Pulumi\.yaml declares runtime "python"; render runs Node\.js programs only \(TypeScript or JavaScript, runtime nodejs\)\. Review this program with `pulumi preview`/,
    );
    assert.deepEqual(fs.readdirSync(parent), []);
  });

  it("a directory with no entry point says which files Pulumi would run", async () => {
    const dir = program({ "Pulumi.yaml": "name: empty\nruntime: nodejs\n" });
    const r = await renderCli([dir, "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(
      r.stderr.startsWith(
        `render: ${dir} is not a module render can run: Pulumi runs the \`main:\` of Pulumi.yaml, else the directory's package.json \`main\`, index.ts or index.js.`,
      ),
      r.stderr,
    );
  });
});

describe("render --out: replaces only a folder it wrote itself", () => {
  it("--out . is refused with exit 2 and deletes nothing", async () => {
    const cwd = tmp();
    fs.writeFileSync(path.join(cwd, "keep.txt"), "mine");
    fs.mkdirSync(path.join(cwd, ".git"));
    const r = await renderCli([path.join(ROOT, "examples/eks"), "--out", "."], cwd);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /--out \. is the current directory/);
    assert.deepEqual(fs.readdirSync(cwd).sort(), [".git", "keep.txt"]);
    assert.equal(fs.readFileSync(path.join(cwd, "keep.txt"), "utf8"), "mine");
  });

  it("a folder that holds the program is refused, even with a marker", async () => {
    const parent = tmp();
    const dir = path.join(parent, "prog");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), EKS_PROJECT);
    fs.writeFileSync(path.join(dir, "Pulumi.example.yaml"), EKS_STACK);
    fs.writeFileSync(
      path.join(parent, ".secret-mount-render"),
      "secret-mount render 1\nprog/Pulumi.yaml\nprog/Pulumi.example.yaml\n",
    );
    const r = await renderCli([dir, "--out", parent]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /contains the program directory/);
    assert.deepEqual(files(parent).sort(), [".secret-mount-render", "prog/Pulumi.example.yaml", "prog/Pulumi.yaml"]);
  });

  it("an existing folder render did not write is refused, its files kept", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
    const r = await renderCli(["examples/eks", "--out", dir]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /is a folder render did not write \(it has no \.secret-mount-render marker\)/);
    assert.match(r.stderr, /Nothing was written/);
    assert.deepEqual(fs.readdirSync(dir), ["notes.txt"]);
  });

  it("an existing file at --out is refused and kept", async () => {
    const file = path.join(tmp(), "review");
    fs.writeFileSync(file, "mine");
    const r = await renderCli(["examples/eks", "--out", file]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /is an existing file/);
    assert.equal(fs.readFileSync(file, "utf8"), "mine");
  });

  it("a symbolic link at --out is refused, even to an empty folder", async () => {
    const target = tmp();
    const link = path.join(tmp(), "review");
    fs.symlinkSync(target, link);
    const r = await renderCli(["examples/eks", "--out", link]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /is a symbolic link/);
    assert.deepEqual(fs.readdirSync(target), []);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
  });

  it("a folder it rendered before is replaced; once a user adds a file, it is refused", async function () {
    this.timeout(60000);
    const out = path.join(tmp(), "review");
    assert.equal((await renderCli(["examples/eks", `--out=${out}`])).code, 0);
    assert.match(fs.readFileSync(path.join(out, ".secret-mount-render"), "utf8"), /^secret-mount render 1\n/);
    fs.writeFileSync(path.join(out, "kubernetes.yaml"), "stale");
    const again = await renderCli(["examples/eks", `--out=${out}`, "--stack=example"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8"), /kind: Deployment/);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ["review"], "no staging folder left behind");

    fs.writeFileSync(path.join(out, "iam", "my-notes.md"), "mine");
    const refused = await renderCli(["examples/eks", "--out", out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /holds files render did not write \(iam\/my-notes\.md\)/);
    assert.equal(fs.readFileSync(path.join(out, "iam", "my-notes.md"), "utf8"), "mine");
  });
});

describe("render arguments (node's parseArgs)", () => {
  // Run in an empty temp folder: were a form not refused, it would write there, not in the repository.
  for (const [args, message] of [
    [["--out"], /--out <value>' argument missing/],
    [["--stack"], /--stack <value>' argument missing/],
    [["--out="], /--out needs a folder/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--stack", "../x"], /--stack "\.\.\/x" is not a stack name/],
    [["--out", "a", "--out", "b"], /--out given more than once/],
  ] as Array<[string[], RegExp]>) {
    it(`${args.join(" ")}: refused with the usage, exit 2`, async () => {
      const cwd = tmp();
      const r = await renderCli([path.join(ROOT, "examples/eks"), ...args], cwd);
      assert.deepEqual(fs.readdirSync(cwd), []);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^usage: npm run render -- <program dir/m);
      assert.equal(r.stdout, "");
    });
  }
});

describe("render errors name the file, the key or the module", () => {
  it("a stack with no config file names the file and the stacks there", async () => {
    const r = await renderCli(["examples/eks", "--stack", "prod", "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /stack "prod" has no config file: examples\/eks\/Pulumi\.prod\.yaml does not exist \(stacks here: example\)/,
    );
  });

  it("a missing config key names the key and the stack file to add it to", async () => {
    const dir = program({
      "Pulumi.yaml": EKS_PROJECT,
      "Pulumi.example.yaml": EKS_STACK.replace(/^.*stripeSecretArn.*$/m, ""),
    });
    const r = await renderCli([dir, "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(
      r.stderr.includes(
        `config key secret-mount-eks:stripeSecretArn is missing from ${path.join(dir, "Pulumi.example.yaml")}`,
      ),
      r.stderr,
    );
    assert.match(r.stderr, /^ {4}secret-mount-eks:stripeSecretArn: <example value>$/m);
  });

  it("every missing config key at once, each with the line to add", async () => {
    const dir = program({
      "Pulumi.yaml": EKS_PROJECT,
      "Pulumi.example.yaml": EKS_STACK.replace(/^.*(stripeSecretArn|oidcIssuerUrl|fetchImage):.*$/gm, ""),
    });
    const r = await renderCli([dir, "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2, r.stderr);
    const keys = ["secret-mount-eks:oidcIssuerUrl", "secret-mount-eks:stripeSecretArn", "secret-mount-eks:fetchImage"];
    assert.ok(
      r.stderr.startsWith(
        `render: config keys ${keys.join(", ")} are missing from ${path.join(dir, "Pulumi.example.yaml")}.`,
      ),
      r.stderr,
    );
    for (const k of keys) assert.match(r.stderr, new RegExp(`^ {4}${k}: <example value>$`, "m"));
  });

  it("a broken stack file is named with its line and column", async () => {
    const dir = program({
      "Pulumi.yaml": EKS_PROJECT,
      "Pulumi.example.yaml": "config:\n  aws:region: [eu-west-1\n  x: y\n",
    });
    const r = await renderCli([dir, "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`render: ${path.join(dir, "Pulumi.example.yaml")}:3:3: not valid YAML: `), r.stderr);
  });

  it("a program outside the repository without its modules is told to npm install there", async () => {
    const dir = program({
      "Pulumi.yaml": "name: outside\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "outside", dependencies: { "@pulumi/pulumi": "^3" } }),
      "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nexport const n = pulumi.output(1);\n',
    });
    const r = await renderCli([dir, "--out", path.join(tmp(), "r")]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(
      r.stderr.includes(`the program needs the module @pulumi/pulumi (imported by ${path.join(dir, "index.ts")})`),
      r.stderr,
    );
    assert.ok(r.stderr.includes(`run \`npm install\` in ${dir}`), r.stderr);
  });
});

describe("npm run render -- examples/gke", () => {
  let out: string;
  let stdout: string;
  before(async function () {
    this.timeout(60000);
    out = path.join(tmp(), "review");
    const r = await renderCli(["examples/gke", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
  });

  it("writes the Kubernetes YAML, the FetchSpec and every IAM member (secret, role, member) as JSON", () => {
    const principal =
      "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-billing.svc.id.goog/subject/ns/billing/sa/billing-api";
    const members = JSON.parse(fs.readFileSync(path.join(out, "iam/gcp-iam-members.json"), "utf8"));
    assert.deepEqual(members.map((m: { resource: string }) => m.resource).sort(), [
      "projects/acme-billing/locations/europe-west4/secrets/secret-mount-gke-example-billing-api-signing-key",
      "projects/acme-billing/secrets/secret-mount-gke-example-billing-api-db-password",
      "projects/acme-shared/secrets/stripe",
    ]);
    for (const m of members) assert.deepEqual([m.role, m.member], ["roles/secretmanager.secretAccessor", principal]);
    const docs = parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes.yaml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => d.kind),
      ["Namespace", "ServiceAccount", "Deployment"],
    );
    validateDeployment(docs[2]);
    assert.deepEqual(restrictedViolations(docs[2].spec.template.spec, docs[2].spec.template.metadata), []);
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.ok(
      spec.files.every((f) => f.source.type === "gcp-secretmanager" && /\/versions\/(latest|\d+)$/.test(f.source.name)),
    );
  });

  it("says in the summary that every container of the pod gets the identity, and shows each grant", () => {
    assert.deepEqual(
      stdout.split("\n").filter((l) => l.length > 100),
      [],
    );
    const text = stdout.replace(/\n {20,}/g, " ");
    assert.match(
      text,
      /ServiceAccount {2}billing-api-sa\n(?: {4}.*\n)*? {4}workload identity +ns\/billing\/sa\/billing-api on GKE$/m,
    );
    assert.match(
      text,
      /shared in the pod +every container of the pod \(the app too\) gets this identity from the GKE metadata server: no per-container exclusion/,
    );
    assert.match(
      text,
      /other clusters +SAME ACCESS for any cluster of workload identity pool acme-billing\.svc\.id\.goog .*with a namespace "billing" and a ServiceAccount "billing-api": the principal names no cluster/,
    );
    assert.equal(text.match(/other clusters +SAME ACCESS/g)?.length, 1, "once per workload");
    assert.match(
      text,
      /SecretIamMember {2}billing-api-stripe-accessor\n {4}grant +roles\/secretmanager\.secretAccessor \(additive\)\n {4}on +projects\/acme-shared\/secrets\/stripe\n {4}to +principal:\/\//,
    );
    assert.match(text, /RegionalSecretVersion {2}billing-api-signing-key-value\n {4}value +withheld/);
  });

  it("lists the review folder with its README and marker", () => {
    assert.deepEqual(files(out).sort(), [
      ".secret-mount-render",
      "README.md",
      "fetch-spec/billing-api.json",
      "iam/gcp-iam-members.json",
      "kubernetes.yaml",
      "tags.json",
    ]);
  });
});
