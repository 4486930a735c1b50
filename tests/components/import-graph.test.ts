import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

// The house's layering, read from the sources with the TypeScript compiler's own import scanner
// (every `import`, `export … from`, `import()` and `require()`, type-only ones included). CONTRIBUTING.md
// ("Layers") says the same in prose. A file may import its own layer or a lower one, never a higher.
//
//   0 spec/                                   the FetchSpec contract (package level; the runtime imports it too)
//   1 components/core/                        pure declaration logic: names no platform, no cloud
//   2 components/clouds/<cloud>/              one cloud's shared code (ARNs, ids, names, SDK loader, describers)
//     components/values/, review/             secret values; the render review's vocabulary (Describer, Fact)
//   3 components/stores/<store>/, kubernetes/ secret stores; pod, manifests, adoption, Kubernetes describer
//   4 components/platforms/<platform>/, platforms/registry.ts
//   5 components/*.ts                         the components and their args, index.ts
//   6 components/render/                      the offline engine and the CLI
//
// Besides: no cycle; a platform imports no other platform and no cloud but its own; a cloud no other
// cloud; a store no other store; the fetch runtime (runtime-image/src) nothing of components/.

const ROOT = process.env.IMPORT_GRAPH_ROOT ?? path.resolve(__dirname, "../..");

const LAYERS: [RegExp, number, string][] = [
  [/^spec\//, 0, "spec"],
  [/^components\/core\//, 1, "core"],
  [/^components\/clouds\/[^/]+\//, 2, "clouds"],
  [/^components\/values\//, 2, "values"],
  [/^components\/stores\/[^/]+\//, 3, "stores"],
  [/^components\/kubernetes\//, 3, "kubernetes"],
  [/^components\/review\//, 2, "review"],
  [/^components\/platforms\//, 4, "platforms"],
  [/^components\/[^/]+\.ts$/, 5, "components"],
  [/^components\/render\//, 6, "render"],
];

/** The cloud a platform folder may import (and the only one). */
const CLOUD_OF_PLATFORM: Record<string, string> = { eks: "aws", ecs: "aws", aks: "azure", gke: "gcp" };

function layerOf(file: string): { layer: number; name: string } | undefined {
  const hit = LAYERS.find(([re]) => re.test(file));
  return hit && { layer: hit[1], name: hit[2] };
}

function sources(dir: string): string[] {
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
    );
}

/** The repository files a source imports (relative specifiers resolved like `moduleResolution: node`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
    const hit = [base, `${base}.ts`, `${base}/index.ts`].find(
      (c) => fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile(),
    );
    out.push(hit ?? base);
  }
  return out;
}

const files = [...sources("spec"), ...sources("components")];
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.endsWith(".ts"))]));

/** Every cycle's files, one per strongly connected component (Tarjan). */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return found;
}

const folder = (file: string, kind: "platforms" | "clouds" | "stores") =>
  new RegExp(`^components/${kind}/([^/]+)/`).exec(file)?.[1];

describe("import graph of components/ and spec/", () => {
  it("reads a real tree (the scan finds the layers' folders and their imports)", () => {
    assert.ok(files.length > 50, `only ${files.length} sources under ${ROOT}`);
    assert.ok([...graph.values()].flat().length > 100);
  });

  it("every source belongs to a layer", () => {
    assert.deepEqual(
      files.filter((f) => !layerOf(f)),
      [],
    );
  });

  it("no import points to a higher layer", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      const a = layerOf(from);
      for (const to of targets) {
        const b = layerOf(to);
        if (a && b && b.layer > a.layer) upward.push(`${from} (${a.name}) -> ${to} (${b.name})`);
        if (a && !b && !to.startsWith("spec/") && !to.startsWith("components/"))
          upward.push(`${from} -> ${to} (outside components/ and spec/)`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it("no cycle", () => {
    assert.deepEqual(cycles(), []);
  });

  it("a platform imports no other platform and no cloud but its own; a cloud no other cloud; a store no other store", () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const [p, q] = [folder(from, "platforms"), folder(to, "platforms")];
        if (p && q && p !== q) wrong.push(`${from} -> ${to}: another platform`);
        const c = folder(to, "clouds");
        if (p && c && CLOUD_OF_PLATFORM[p] !== c)
          wrong.push(`${from} -> ${to}: not ${p}'s cloud (${CLOUD_OF_PLATFORM[p] ?? "none declared"})`);
        const fc = folder(from, "clouds");
        if (fc && c && fc !== c) wrong.push(`${from} -> ${to}: another cloud`);
        const [s, t] = [folder(from, "stores"), folder(to, "stores")];
        if (s && t && s !== t) wrong.push(`${from} -> ${to}: another store`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("every platform folder has its cloud declared here, and the fetch runtime imports nothing of components/", () => {
    const platforms = fs.existsSync(path.join(ROOT, "components/platforms"))
      ? fs
          .readdirSync(path.join(ROOT, "components/platforms"), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
      : [];
    assert.deepEqual(
      platforms.filter((p) => !(p in CLOUD_OF_PLATFORM)),
      [],
    );
    const runtime = sources("runtime-image/src").flatMap((f) =>
      importsOf(f)
        .filter((t) => t.startsWith("components/"))
        .map((t) => `${f} -> ${t}`),
    );
    assert.deepEqual(runtime, []);
  });
});
