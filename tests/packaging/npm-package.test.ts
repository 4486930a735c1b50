import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { AZURE_NATIVE } from "../../components/clouds/azure/sdk";
import { GCP } from "../../components/clouds/gcp/sdk";
import type { SecretSetDeclaration } from "../../components/core/secret-set";
import { VAULT_PACKAGE } from "../../components/stores/vault/sdk";
import { fetchImageOf } from "../../components/kubernetes/fetch-image";

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
import { parseFetchSpecJson, type FetchSpec } from "secret-mount/fetch-spec";

const config = new pulumi.Config();
const args: SecretMountedWorkloadArgs = {
  namespace: "shop",
  eks: { identity: EksIdentity.PodIdentity, clusterName: config.require("clusterName") },
  secrets: [{ name: "db-password", generate: { type: "password" } }],
  containers: [{ name: "app", image: "${IMAGE}", runAsUser: 10001 }],
  fetch: { image: "${FETCH_IMAGE}" },
};
const shop = new SecretMountedWorkload("shop", args);
// The FetchSpec on its own subpath, e.g. for a tool that reads what a workload will fetch.
export const files = shop.fetchSpec.apply((json): FetchSpec["files"] => parseFetchSpecJson(json).files);
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
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp], {
      cwd: ROOT,
      maxBuffer: 16 << 20,
    });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as {
      filename: string;
      size: number;
      entryCount: number;
      files: { path: string }[];
    }[];
    files = info.files.map((f) => f.path).sort();
    tarball = path.join(tmp, info.filename);
    packed = info;
    console.log(
      `      (npm pack incl. build: ${Date.now() - started} ms; ${info.size} bytes, ${info.entryCount} files)`,
    );
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("holds compiled JS and .d.ts for every library source, the FetchSpec schema, README, LICENSE, CHANGELOG and nothing else", () => {
    const allowed =
      /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|spec\/fetch-spec\.schema\.json|dist\/(components|spec)\/.+\.(js|d\.ts|json)|fetch-image\/Dockerfile|fetch-image\/compile-cache-warmup\.mjs|fetch-image\/dist\/.+\.(js|json))$/;
    assert.deepEqual(
      files.filter((f) => !allowed.test(f)),
      [],
    );
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
          e.isDirectory()
            ? sources(path.join(dir, e.name))
            : e.name.endsWith(".ts")
              ? [path.relative(ROOT, path.join(dir, e.name))]
              : [],
        );
    const library = [...sources(path.join(ROOT, "components")), ...sources(path.join(ROOT, "spec"))].filter(
      (f) => f !== "spec/generate-schema.ts",
    );
    for (const src of library) {
      const base = "dist/" + src.replace(/\.ts$/, "");
      assert.ok(
        files.includes(`${base}.js`) && files.includes(`${base}.d.ts`),
        `${src} is not compiled into the package`,
      );
    }
    assert.ok(
      !files.some((f) => /^(tests|runtime-image|examples)\//.test(f) || /(^|\/)[^/]+(?<!\.d)\.ts$/.test(f)),
      "no tests, runtime or TypeScript sources",
    );
    for (const f of ["README.md", "LICENSE", "CHANGELOG.md", "spec/fetch-spec.schema.json"])
      assert.ok(files.includes(f), f);
    const license = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    assert.match(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8"), /Keep a Changelog[\s\S]*## \[Unreleased\]/);
  });

  it("carries the fetch image's build context: its Dockerfile, the prebuilt bundle runtime-image/ builds and the compile-cache warm-up, byte for byte", async () => {
    assert.ok(files.includes("fetch-image/Dockerfile"), "fetch-image/Dockerfile is not packed");
    const bundle = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? bundle(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
        .sort();
    const built = bundle(path.join(ROOT, "runtime-image/dist"));
    assert.ok(
      built.includes("fetch.js") && built.includes("package.json") && built.some((f) => f.startsWith("chunks/")),
    );
    assert.deepEqual(
      files
        .filter((f) => f.startsWith("fetch-image/dist/"))
        .map((f) => f.slice("fetch-image/dist/".length))
        .sort(),
      built,
    );
    const unpacked = path.join(tmp, "unpacked");
    fs.mkdirSync(unpacked);
    await run("tar", ["-xzf", tarball, "-C", unpacked]);
    for (const f of built) {
      assert.ok(
        fs
          .readFileSync(path.join(unpacked, "package/fetch-image/dist", f))
          .equals(fs.readFileSync(path.join(ROOT, "runtime-image/dist", f))),
        `fetch-image/dist/${f} differs from the bundle`,
      );
    }
    const warmup = "compile-cache-warmup.mjs";
    assert.ok(
      fs
        .readFileSync(path.join(unpacked, "package/fetch-image", warmup))
        .equals(fs.readFileSync(path.join(ROOT, "runtime-image", warmup))),
      `fetch-image/${warmup} differs from runtime-image's`,
    );
    // The Dockerfile copies only what the package holds beside it (dist/ and the warm-up), from that directory as the context.
    const dockerfile = fs.readFileSync(path.join(unpacked, "package/fetch-image/Dockerfile"), "utf8");
    const contextCopies = [...dockerfile.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(\S+)\s+\S+$/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(contextCopies)].sort(), ["compile-cache-warmup.mjs", "dist/"]);
    // The preview error for a missing fetch.image sends npm users to this directory of the package.
    let message = "";
    try {
      fetchImageOf({ name: "shop", fetch: {} } as unknown as SecretSetDeclaration, {
        repository: null,
        digest: null,
        version: pkg.version,
      });
    } catch (e) {
      message = (e as Error).message;
    }
    const dir = /node_modules\/secret-mount\/(\S+)/.exec(message)?.[1];
    assert.ok(
      dir && files.includes(`${dir}/Dockerfile`) && files.includes(`${dir}/dist/fetch.js`),
      `the message names ${dir}: ${message}`,
    );
  });

  it("main, types, exports and bin point into the package; engines name Node 22 and later", () => {
    assert.equal(pkg.license, "Apache-2.0");
    assert.equal(pkg.engines.node, ">=22");
    assert.ok(files.includes(pkg.main) && files.includes(pkg.types));
    assert.deepEqual(pkg.exports["."], { types: `./${pkg.types}`, default: `./${pkg.main}` });
    assert.ok(files.includes(pkg.exports["./fetch-spec.schema.json"].replace(/^\.\//, "")));
    for (const target of Object.values(pkg.exports["./fetch-spec"]) as string[])
      assert.ok(files.includes(target.replace(/^\.\//, "")), target);
    assert.deepEqual(pkg.typesVersions["*"]["fetch-spec"], [pkg.exports["./fetch-spec"].types.replace(/^\.\//, "")]);
    assert.ok(files.includes(pkg.bin["secret-mount"]));
    assert.match(pkg.scripts.prepack, /build:lib/);
    // `npm install` in a checkout (what `pulumi package add <repo>` runs before the plugin host
    // requires the package's `main`) and npm's git installs build dist/ too.
    assert.match(pkg.scripts.prepare, /build:lib/);
  });

  it("the packed package.json runs nothing on a consumer's install (no prepare, preinstall, install or postinstall); packing leaves the checkout's as it was", async () => {
    const { stdout } = await run("tar", ["-xOzf", tarball, "package/package.json"], { maxBuffer: 16 << 20 });
    const inTarball = JSON.parse(stdout);
    assert.deepEqual(
      Object.keys(inTarball.scripts ?? {}).filter((s) =>
        ["prepare", "preinstall", "install", "postinstall"].includes(s),
      ),
      [],
    );
    assert.equal(inTarball.version, pkg.version);
    assert.equal(
      fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
      manifestBeforePack,
      "postpack restored package.json byte for byte",
    );
    assert.ok(!fs.existsSync(path.join(ROOT, "package.json.prepack")), "no saved copy left behind");
  });

  it("CONTRIBUTING.md's size and file count of the package are what npm pack measures (within 20%)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "CONTRIBUTING.md"), "utf8");
    const stated = /packs the repository \(about (\d+) kB, (\d+) files[;)]/i.exec(doc);
    assert.ok(stated, "CONTRIBUTING.md states the package's size as `packs the repository (about N kB, N files)`");
    const [kB, count] = [Number(stated[1]), Number(stated[2])];
    const near = (said: number, measured: number) => Math.abs(said - measured) <= 0.2 * measured;
    assert.ok(
      near(kB, packed.size / 1000),
      `CONTRIBUTING.md says about ${kB} kB; npm pack made ${Math.round(packed.size / 1000)} kB`,
    );
    assert.ok(
      near(count, packed.entryCount),
      `CONTRIBUTING.md says ${count} files; npm pack packed ${packed.entryCount}`,
    );
  });

  it("every package the compiled code requires is a declared dependency; the optional cloud SDKs only from their platform's loader", () => {
    const optional = new Set(Object.keys(pkg.peerDependenciesMeta).filter((n) => pkg.peerDependenciesMeta[n].optional));
    assert.deepEqual([...optional].sort(), ["@pulumi/azure-native", "@pulumi/gcp", "@pulumi/vault"]);
    const deps = new Set([...Object.keys(pkg.dependencies), ...optional]);
    const undeclared = new Set<string>();
    const optionalFrom = new Set<string>();
    // (The library's code; fetch-image/dist is the fetch container's self-contained bundle, never required by it.)
    for (const f of files.filter((x) => x.endsWith(".js") && x.startsWith("dist/"))) {
      for (const [, spec] of fs.readFileSync(path.join(ROOT, f), "utf8").matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!deps.has(name) && !builtinModules.includes(name.replace(/^node:/, ""))) undeclared.add(`${f}: ${spec}`);
        if (optional.has(name)) optionalFrom.add(`${f} ${name}`);
      }
    }
    assert.deepEqual([...undeclared], []);
    assert.deepEqual([...optionalFrom].sort(), [
      "dist/components/clouds/azure/sdk.js @pulumi/azure-native",
      "dist/components/clouds/gcp/sdk.js @pulumi/gcp",
      "dist/components/stores/vault/sdk.js @pulumi/vault",
    ]);
    // The install hint in the error is the range package.json declares.
    assert.equal(AZURE_NATIVE.range, pkg.peerDependencies["@pulumi/azure-native"]);
    assert.equal(GCP.range, pkg.peerDependencies["@pulumi/gcp"]);
    assert.equal(VAULT_PACKAGE.range, pkg.peerDependencies["@pulumi/vault"]);
    assert.equal(pkg.devDependencies["@pulumi/vault"], VAULT_PACKAGE.range);
    assert.equal(pkg.devDependencies["@pulumi/azure-native"], AZURE_NATIVE.range);
    assert.equal(pkg.devDependencies["@pulumi/gcp"], GCP.range);
  });

  it('installs into an empty project, where `import { SecretMountedWorkload } from "secret-mount"` type-checks', async () => {
    consumer = path.join(tmp, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
    );
    let started = Date.now();
    ({ stderr: installStderr } = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], {
      cwd: consumer,
      maxBuffer: 16 << 20,
    }));
    console.log(`      (npm install of the tarball: ${Date.now() - started} ms)`);
    assert.ok(fs.existsSync(path.join(consumer, "node_modules/secret-mount/dist/components/index.js")));
    // npm lists the dependencies whose install scripts the consumer has not reviewed: never this one.
    assert.doesNotMatch(installStderr, /\bsecret-mount@[^ ]+ \(/);
    // An EKS user's install: the optional cloud SDKs of the other platforms are not installed.
    for (const peer of ["@pulumi/azure-native", "@pulumi/gcp"])
      assert.ok(!fs.existsSync(path.join(consumer, "node_modules", peer)), `${peer} was installed`);
    fs.writeFileSync(path.join(consumer, "index.ts"), CONSUMER_PROGRAM);
    // A strict user project that checks every declaration file (no skipLibCheck) and has no @types.
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          noEmit: true,
          types: [],
        },
        files: ["index.ts"],
      }),
    );
    started = Date.now();
    await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: consumer,
    });
    console.log(`      (tsc in the consumer: ${Date.now() - started} ms)`);
  });

  it("there, node_modules/secret-mount/fetch-image is a build context whose bundle runs", async () => {
    const context = path.join(consumer, "node_modules/secret-mount/fetch-image");
    assert.ok(fs.existsSync(path.join(context, "Dockerfile")) && fs.existsSync(path.join(context, "dist/fetch.js")));
    // The packaged program itself, as the container runs it: with no FetchSpec it refuses with exit 2 and one line.
    const fetched = await run(process.execPath, [path.join(context, "dist/fetch.js")], {
      cwd: consumer,
      env: { PATH: process.env.PATH },
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(fetched?.code, 2);
    assert.match(fetched!.stderr, /"event":"invalid-config".*SECRET_MOUNT_SPEC/);
  });

  it("there, `secret-mount/fetch-spec` is the FetchSpec's own subpath", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "-e",
        "const f = require('secret-mount/fetch-spec'); const s = f.parseFetchSpec({ version: 1, dir: '/run/secrets/app', mode: 'init', files: [{ path: 'db', source: { type: 'aws-ssm', name: 'db' } }] }); console.log(JSON.stringify({ n: s.files.length, version: f.FETCH_SPEC_VERSION }))",
      ],
      { cwd: consumer },
    );
    assert.deepEqual(JSON.parse(stdout), { n: 1, version: 1 });
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
      {
        name: "on-aks",
        error: "DeclarationError",
        field: "aks",
        message: `on-aks: aks: platform aks needs @pulumi/azure-native, an optional peer dependency of secret-mount that is not installed: npm install @pulumi/azure-native@${pkg.peerDependencies["@pulumi/azure-native"]}`,
      },
      {
        name: "on-gke",
        error: "DeclarationError",
        field: "gke",
        message: `on-gke: gke: platform gke needs @pulumi/gcp, an optional peer dependency of secret-mount that is not installed: npm install @pulumi/gcp@${pkg.peerDependencies["@pulumi/gcp"]}`,
      },
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
    fs.writeFileSync(
      path.join(consumer, "Pulumi.yaml"),
      "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
    );
    fs.writeFileSync(
      path.join(consumer, "Pulumi.example.yaml"),
      "config:\n  aws:region: eu-west-1\n  shop:clusterName: prod\n",
    );
    const { stdout } = await run(
      process.execPath,
      [path.join(consumer, "node_modules/.bin/secret-mount"), "render", ".", "--out", "review"],
      { cwd: consumer },
    );
    assert.match(stdout, /shop \(stack example\), rendered offline/);
    const docs = fs
      .readFileSync(path.join(consumer, "review/kubernetes.yaml"), "utf8")
      .split(/^---$/m)
      .map((d) => parseYaml(d))
      .filter(Boolean);
    assert.ok(docs.some((d: { kind?: string }) => d.kind === "Deployment"));
    assert.match(
      fs.readFileSync(path.join(consumer, "review/iam/shop-role.trust-policy.json"), "utf8"),
      /pods\.eks\.amazonaws\.com/,
    );
  });
});
