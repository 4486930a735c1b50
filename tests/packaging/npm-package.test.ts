import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { AZURE_NATIVE } from "../../components/azure/sdk";
import { GCP } from "../../components/gcp/sdk";

// What a user of the npm package gets: `npm pack` (its `prepack` builds dist/), then the tarball
// installed into an empty project the way a user installs it. Dependencies come from the npm cache
// (`--prefer-offline`; CI's `npm ci` has just filled it), so the install resolves the declared
// dependency ranges like a user's install, without the repository's node_modules in the path.

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const IMAGE = "registry.example.com/shop@sha256:" + "a".repeat(64);
const FETCH_IMAGE = "registry.example.com/secret-mount-fetch@sha256:" + "f".repeat(64);

const CONSUMER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { EksIdentity, SecretMountedWorkload, type SecretMountedWorkloadArgs } from "secret-mount";

const config = new pulumi.Config();
const args: SecretMountedWorkloadArgs = {
  namespace: "shop",
  eks: { identity: EksIdentity.PodIdentity, clusterName: config.require("clusterName") },
  secrets: [{ name: "db-password", generate: { type: "password" } }],
  containers: [{ name: "app", image: "${IMAGE}", runAsUser: 10001 }],
  fetch: { image: "${FETCH_IMAGE}" },
};
const shop = new SecretMountedWorkload("shop", args);
export const roleArn = shop.roleArn;
export const fetchSpec = shop.fetchSpec;
`;

// A user's own unit test: their mocks, their @pulumi/pulumi, the installed package.
const CONSUMER_MOCK_RUN = `const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks({
  newResource: (a) => ({ id: a.name + "-id", state: { ...a.inputs, arn: "arn:aws:iam::111122223333:role/" + a.name } }),
  call: (a) => a.token === "aws:index/getRegion:getRegion" ? { name: "eu-west-1", region: "eu-west-1" }
    : a.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "111122223333" }
    : a.token === "aws:index/getPartition:getPartition" ? { partition: "aws", dnsSuffix: "amazonaws.com" } : {},
}, "shop", "dev", false).then(() => {
  const { SecretMountedWorkload } = require("secret-mount");
  const w = new SecretMountedWorkload("shop", {
    eks: { identity: "pod-identity", clusterName: "prod" },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    containers: [{ name: "app", image: "${IMAGE}", runAsUser: 10001 }],
    fetch: { image: "${FETCH_IMAGE}" },
  });
  pulumi.all([w.urn, w.fetchSpec, w.mountPath]).apply(([urn, spec, mount]) => console.log(JSON.stringify({ urn, spec: JSON.parse(spec), mount })));
});
`;

// An AKS and a GKE declaration in a project without the optional cloud SDKs: each must fail with
// the DeclarationError naming the package to install, before anything is registered.
const CONSUMER_MISSING_PEER = `const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({ newResource: (a) => { registered.push(a.type); return { id: a.name + "-id", state: a.inputs }; }, call: () => ({}) }, "shop", "dev", false).then(() => {
  const { SecretMountedWorkload } = require("secret-mount");
  const base = {
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    container: { name: "app", image: "${IMAGE}", runAsUser: 10001 },
    fetch: { image: "${FETCH_IMAGE}" },
  };
  const errors = [];
  for (const [name, platform] of [["on-aks", { aks: { oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/t/i/", resourceGroupName: "rg" } }], ["on-gke", { gke: {} }]]) {
    try {
      new SecretMountedWorkload(name, { ...base, ...platform });
      errors.push({ name, error: "none" });
    } catch (err) {
      errors.push({ name, error: err.name, field: err.field, message: err.message });
    }
  }
  console.log(JSON.stringify({ errors, registered }));
});
`;

describe("the npm package (npm pack, installed into an empty project)", function () {
  this.timeout(600_000);
  let tmp: string;
  let files: string[];
  let tarball: string;
  let packed: { size: number; entryCount: number };
  let manifestBeforePack: string;
  let consumer: string;
  let installStderr: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-pack-"));
    manifestBeforePack = fs.readFileSync(path.join(ROOT, "package.json"), "utf8");
    const started = Date.now();
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, maxBuffer: 16 << 20 });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; size: number; entryCount: number; files: { path: string }[] }[];
    files = info.files.map((f) => f.path).sort();
    tarball = path.join(tmp, info.filename);
    packed = info;
    console.log(`      (npm pack incl. build: ${Date.now() - started} ms; ${info.size} bytes, ${info.entryCount} files)`);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("holds compiled JS and .d.ts for every library source, the FetchSpec schema, README, LICENSE, CHANGELOG and nothing else", () => {
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|components\/spec\/fetch-spec\.schema\.json|dist\/components\/.+\.(js|d\.ts|json))$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.relative(ROOT, path.join(dir, e.name))] : []);
    const library = sources(path.join(ROOT, "components")).filter((f) => f !== "components/spec/generate-schema.ts");
    for (const src of library) {
      const base = "dist/" + src.replace(/\.ts$/, "");
      assert.ok(files.includes(`${base}.js`) && files.includes(`${base}.d.ts`), `${src} is not compiled into the package`);
    }
    assert.ok(!files.some((f) => /^(tests|runtime-image|examples)\//.test(f) || /(^|\/)[^/]+(?<!\.d)\.ts$/.test(f)), "no tests, runtime or TypeScript sources");
    for (const f of ["README.md", "LICENSE", "CHANGELOG.md", "components/spec/fetch-spec.schema.json"]) assert.ok(files.includes(f), f);
    const license = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    assert.match(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8"), /Keep a Changelog[\s\S]*## \[Unreleased\]/);
  });

  it("main, types, exports and bin point into the package; engines name Node 22 and later", () => {
    assert.equal(pkg.license, "Apache-2.0");
    assert.equal(pkg.engines.node, ">=22");
    assert.ok(files.includes(pkg.main) && files.includes(pkg.types));
    assert.deepEqual(pkg.exports["."], { types: `./${pkg.types}`, default: `./${pkg.main}` });
    assert.ok(files.includes(pkg.exports["./fetch-spec.schema.json"].replace(/^\.\//, "")));
    assert.ok(files.includes(pkg.bin["secret-mount"]));
    assert.match(pkg.scripts.prepack, /build:lib/);
    // `npm install` in a checkout (what `pulumi package add <repo>` runs before the plugin host
    // requires the package's `main`) and npm's git installs build dist/ too.
    assert.match(pkg.scripts.prepare, /build:lib/);
  });

  it("the packed package.json runs nothing on a consumer's install (no prepare, preinstall, install or postinstall); packing leaves the checkout's as it was", async () => {
    const { stdout } = await run("tar", ["-xOzf", tarball, "package/package.json"], { maxBuffer: 16 << 20 });
    const inTarball = JSON.parse(stdout);
    assert.deepEqual(Object.keys(inTarball.scripts ?? {}).filter((s) => ["prepare", "preinstall", "install", "postinstall"].includes(s)), []);
    assert.equal(inTarball.version, pkg.version);
    assert.equal(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"), manifestBeforePack, "postpack restored package.json byte for byte");
    assert.ok(!fs.existsSync(path.join(ROOT, "package.json.prepack")), "no saved copy left behind");
  });

  it("the README's size and file count of the package are what npm pack measures (within 20%)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const stated = /packs the repository \(about (\d+) kB, (\d+) files[;)]/i.exec(readme);
    assert.ok(stated, "README states the package's size as `packs the repository (about N kB, N files)`");
    const [kB, count] = [Number(stated[1]), Number(stated[2])];
    const near = (said: number, measured: number) => Math.abs(said - measured) <= 0.2 * measured;
    assert.ok(near(kB, packed.size / 1000), `README says about ${kB} kB; npm pack made ${Math.round(packed.size / 1000)} kB`);
    assert.ok(near(count, packed.entryCount), `README says ${count} files; npm pack packed ${packed.entryCount}`);
  });

  it("every package the compiled code requires is a declared dependency; the optional cloud SDKs only from their platform's loader", () => {
    const optional = new Set(Object.keys(pkg.peerDependenciesMeta).filter((n) => pkg.peerDependenciesMeta[n].optional));
    assert.deepEqual([...optional].sort(), ["@pulumi/azure-native", "@pulumi/gcp"]);
    const deps = new Set([...Object.keys(pkg.dependencies), ...optional]);
    const undeclared = new Set<string>();
    const optionalFrom = new Set<string>();
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      for (const [, spec] of fs.readFileSync(path.join(ROOT, f), "utf8").matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!deps.has(name) && !builtinModules.includes(name.replace(/^node:/, ""))) undeclared.add(`${f}: ${spec}`);
        if (optional.has(name)) optionalFrom.add(`${f} ${name}`);
      }
    }
    assert.deepEqual([...undeclared], []);
    assert.deepEqual([...optionalFrom].sort(), ["dist/components/azure/sdk.js @pulumi/azure-native", "dist/components/gcp/sdk.js @pulumi/gcp"]);
    // The install hint in the error is the range package.json declares.
    assert.equal(AZURE_NATIVE.range, pkg.peerDependencies["@pulumi/azure-native"]);
    assert.equal(GCP.range, pkg.peerDependencies["@pulumi/gcp"]);
    assert.equal(pkg.devDependencies["@pulumi/azure-native"], AZURE_NATIVE.range);
    assert.equal(pkg.devDependencies["@pulumi/gcp"], GCP.range);
  });

  it("installs into an empty project, where `import { SecretMountedWorkload } from \"secret-mount\"` type-checks", async () => {
    consumer = path.join(tmp, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    let started = Date.now();
    ({ stderr: installStderr } = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: consumer, maxBuffer: 16 << 20 }));
    console.log(`      (npm install of the tarball: ${Date.now() - started} ms)`);
    assert.ok(fs.existsSync(path.join(consumer, "node_modules/secret-mount/dist/components/index.js")));
    // npm lists the dependencies whose install scripts the consumer has not reviewed: never this one.
    assert.doesNotMatch(installStderr, /\bsecret-mount@[^ ]+ \(/);
    // An EKS user's install: the optional cloud SDKs of the other platforms are not installed.
    for (const peer of ["@pulumi/azure-native", "@pulumi/gcp"]) assert.ok(!fs.existsSync(path.join(consumer, "node_modules", peer)), `${peer} was installed`);
    fs.writeFileSync(path.join(consumer, "index.ts"), CONSUMER_PROGRAM);
    // A strict user project that checks every declaration file (no skipLibCheck) and has no @types.
    fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", noEmit: true, types: [] },
      files: ["index.ts"],
    }));
    started = Date.now();
    await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: consumer });
    console.log(`      (tsc in the consumer: ${Date.now() - started} ms)`);
  });

  it("runs there under the user's own mocks", async () => {
    fs.writeFileSync(path.join(consumer, "mock-run.js"), CONSUMER_MOCK_RUN);
    const { stdout } = await run(process.execPath, ["mock-run.js"], { cwd: consumer });
    const out = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.match(out.urn, /::secret-mount:index:SecretMountedWorkload::shop$/);
    assert.equal(out.mount, "/run/secrets/app");
    assert.equal(out.spec.files[0].path, "db-password");
  });

  it("there, an AKS or GKE declaration fails before registering anything, naming the package to install", async () => {
    fs.writeFileSync(path.join(consumer, "missing-peer.js"), CONSUMER_MISSING_PEER);
    const { stdout } = await run(process.execPath, ["missing-peer.js"], { cwd: consumer });
    const out = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(out.errors, [
      { name: "on-aks", error: "DeclarationError", field: "aks", message: `on-aks: aks: platform aks needs @pulumi/azure-native, an optional peer dependency of secret-mount that is not installed: npm install @pulumi/azure-native@${pkg.peerDependencies["@pulumi/azure-native"]}` },
      { name: "on-gke", error: "DeclarationError", field: "gke", message: `on-gke: gke: platform gke needs @pulumi/gcp, an optional peer dependency of secret-mount that is not installed: npm install @pulumi/gcp@${pkg.peerDependencies["@pulumi/gcp"]}` },
    ]);
    assert.deepEqual(out.registered, []);
  });

  it("`npx secret-mount --version` prints the installed version; `--help` the options and exit codes", async () => {
    const bin = path.join(consumer, "node_modules/.bin/secret-mount");
    assert.equal((await run(process.execPath, [bin, "--version"], { cwd: consumer })).stdout, `${pkg.version}\n`);
    const { stdout } = await run(process.execPath, [bin, "--help"], { cwd: consumer });
    assert.match(stdout, /^usage: npx secret-mount render <program dir>/m);
    assert.match(stdout, /^exit codes:$/m);
  });

  it("`npx secret-mount render .` renders the user's own TypeScript program offline", async () => {
    fs.writeFileSync(path.join(consumer, "Pulumi.yaml"), "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    fs.writeFileSync(path.join(consumer, "Pulumi.example.yaml"), "config:\n  aws:region: eu-west-1\n  shop:clusterName: prod\n");
    const { stdout } = await run(process.execPath, [path.join(consumer, "node_modules/.bin/secret-mount"), "render", ".", "--out", "review"], { cwd: consumer });
    assert.match(stdout, /shop \(stack example\), rendered offline/);
    const docs = fs.readFileSync(path.join(consumer, "review/kubernetes.yaml"), "utf8").split(/^---$/m).map((d) => parseYaml(d)).filter(Boolean);
    assert.ok(docs.some((d: { kind?: string }) => d.kind === "Deployment"));
    assert.match(fs.readFileSync(path.join(consumer, "review/iam/shop-role.trust-policy.json"), "utf8"), /pods\.eks\.amazonaws\.com/);
  });
});
