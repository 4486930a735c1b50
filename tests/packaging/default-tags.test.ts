import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { normalizeDeclaration, normalizeMount } from "../../components/declarations";
import { planEcsTask } from "../../components/platforms/ecs/plan";
import { DEFAULT_RESTART_MIN_INTERVAL_SECONDS } from "../../spec/fetch-spec";

// The `@default` TSDoc tags of the args types, read as TypeDoc reads them, held to the defaults the
// normalizers apply. The API reference (`npm run docs`) is the field reference, so a default that
// changes in the code and not in its tag is a wrong reference.

const ROOT = path.resolve(__dirname, "../..");

/** Every args file under components/: `*-args.ts`, `args.ts` and the core's `*-fields.ts`, wherever they are kept. */
function argsFiles(dir = path.join(ROOT, "components")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return argsFiles(full);
    return /(^|-)(args|fields)\.ts$/.test(e.name) ? [full] : [];
  });
}

interface Field {
  file: string;
  summary: string;
  defaultTag?: string;
}

/** `Interface.field` -> its summary and the text of its `@default` tag (inherited fields too: `X extends Y`). */
function fields(): Map<string, Field> {
  const out = new Map<string, Field>();
  const bases = new Map<string, string[]>();
  for (const file of argsFiles()) {
    const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    src.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const heritage = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(src)));
      if (heritage.length) bases.set(node.name.text, heritage);
      for (const m of node.members) {
        if (!ts.isPropertySignature(m) || !ts.isIdentifier(m.name)) continue;
        const docs = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc);
        const summary = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join("\n");
        const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === "default");
        out.set(`${node.name.text}.${m.name.text}`, {
          file: path.relative(ROOT, file),
          summary,
          defaultTag: tag ? (ts.getTextOfJSDocComment(tag.comment) ?? "") : undefined,
        });
      }
    });
  }
  for (const [derived, from] of bases) {
    for (const base of from) {
      for (const [key, f] of [...out])
        if (key.startsWith(`${base}.`)) out.set(`${derived}.${key.slice(base.length + 1)}`, f);
    }
  }
  return out;
}

/** Fields whose description says "default" about something else than their own default. */
const NOT_A_DEFAULT = new Set([
  "Secret.name", // "used in ... the default store name and the default file path"
  "SecretMountedWorkloadArgs.podAnnotations", // AppArmor's `runtime/default`
  "WorkloadFields.podAnnotations", // the same field, where SecretMountedWorkloadArgs takes it from
  "AksPlatform.resourceGroupName", // "also the default group of an existing vault"
  "TaskContainer.user", // names `fileMode`'s and `fileGroup`'s defaults
  "EksWorkloadIdentityArgs.managedPolicyArns", // "IAM's default per role" (a quota)
  "FetchContainer.image", // no default until a release records one (docs/fetch-image.md)
  "EcsFetchContainer.image",
]);

describe("@default tags of the args types (the API reference's defaults)", () => {
  const all = fields();
  /** The value a tag names first: `` `0440`: the owner ... `` -> "0440". */
  const literal = (key: string): string => {
    const f = all.get(key);
    assert.ok(f, `${key}: no such field in components/**/*-args.ts or *-fields.ts`);
    assert.ok(f.defaultTag !== undefined, `${key} (${f.file}) has no @default tag`);
    const m = /^`([^`]*)`/.exec(f.defaultTag);
    assert.ok(m, `${key} (${f.file}): @default ${f.defaultTag} does not start with a value in backticks`);
    return m[1];
  };
  const same = (key: string, applied: unknown) =>
    assert.equal(
      literal(key),
      String(applied),
      `${key}: @default says ${literal(key)}, the code applies ${String(applied)}`,
    );

  it("reads the args files (a sanity check of the reader itself)", () => {
    assert.ok(all.size > 200, `only ${all.size} fields found`);
    assert.equal(literal("SecretMountedWorkloadArgs.replicas"), "1");
  });

  it("every field whose description states a default carries an @default tag, and no tag is empty", () => {
    const missing = [...all]
      .filter(([key, f]) => /\bdefault\b/i.test(f.summary) && f.defaultTag === undefined && !NOT_A_DEFAULT.has(key))
      .map(([key, f]) => `${key} (${f.file})`);
    assert.deepEqual(missing, []);
    const empty = [...all]
      .filter(([, f]) => f.defaultTag !== undefined && f.defaultTag.trim() === "")
      .map(([key]) => key);
    assert.deepEqual(empty, []);
    for (const key of NOT_A_DEFAULT)
      assert.ok(all.has(key), `NOT_A_DEFAULT lists ${key}, which is not a field any more`);
  });

  it("SecretMountedWorkload: the tags name what normalizeDeclaration fills in", () => {
    const d = normalizeDeclaration("web", {
      eks: { oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" },
      secrets: [
        { name: "db-password", generate: { type: "password" } },
        { name: "tls", generate: { type: "rsa" } },
        { name: "sig", generate: { type: "ecdsa" } },
      ],
      container: { name: "app", image: "app@sha256:" + "a".repeat(64) },
      refresh: {},
      envFile: { vars: { DB: "db-password" } },
      fetch: { image: "fetch@sha256:" + "f".repeat(64) },
    });
    same("SecretMountedWorkloadArgs.namespace", d.namespace);
    same("SecretMountedWorkloadArgs.createNamespace", d.createNamespace);
    same("SecretMountedWorkloadArgs.replicas", d.replicas);
    same("SecretMountedWorkloadArgs.mountPath", d.mountPath);
    same("SecretMountedWorkloadArgs.fileMode", d.fileMode);
    same("SecretMountedWorkloadArgs.fsGroup", d.fsGroup);
    assert.equal(d.serviceAccountName, "web", all.get("SecretMountedWorkloadArgs.serviceAccountName")!.defaultTag);
    assert.equal(d.deploymentName, "web", all.get("SecretMountedWorkloadArgs.deploymentName")!.defaultTag);
    same("Refresh.intervalSeconds", d.refresh!.intervalSeconds);
    // Applied by the fetcher, not by the declaration: the FetchSpec's constant.
    same("RestartPodNotify.minIntervalSeconds", DEFAULT_RESTART_MIN_INTERVAL_SECONDS);
    same("FetchContainer.timeoutSeconds", d.fetch.timeoutSeconds);
    same("EnvFile.path", d.envFile!.path);
    same("Container.readOnlyRootFilesystem", d.containers[0].readOnlyRootFilesystem);
    const [password, rsa, ecdsa] = d.secrets.map((s) => s.generate!);
    for (const f of ["length", "lower", "upper", "numeric", "special", "specialCharacters"] as const)
      same(`Generate.${f}`, password[f]);
    same("Generate.rsaBits", rsa.rsaBits);
    same("Generate.ecdsaCurve", ecdsa.ecdsaCurve);
  });

  it("SecretMount: the tags name what normalizeMount fills in", () => {
    const d = normalizeMount("web", {
      eks: { oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" },
      secrets: [{ name: "db-password", generate: { type: "password" } }],
      fetch: { image: "fetch@sha256:" + "f".repeat(64) },
    });
    same("SecretMountArgs.namespace", d.namespace);
    same("SecretMountArgs.mountPath", d.mountPath);
    same("SecretMountArgs.fileMode", d.fileMode);
    same("SecretMountArgs.fsGroup", d.fsGroup);
    same("SecretMountArgs.createServiceAccount", d.createServiceAccount);
    same("SecretMountArgs.allowPersistentVolumeGroupChange", d.allowPersistentVolumeGroupChange);
  });

  it("SecretMountedTask: the tags name what planEcsTask fills in (Fargate)", () => {
    const d = planEcsTask("web", {
      secrets: [{ name: "db-password", generate: { type: "password" } }],
      containers: [{ name: "api", image: "api@sha256:" + "a".repeat(64), user: "10001:65532" }],
      fetch: { image: "fetch@sha256:" + "f".repeat(64) },
    });
    same("SecretMountedTaskArgs.launchType", d.launchType);
    same("SecretMountedTaskArgs.cpu", d.cpu);
    same("SecretMountedTaskArgs.fileGroup", d.fileGroup);
    same("SecretMountedTaskArgs.logRetentionInDays", d.logRetentionInDays);
    same("SecretMountedTaskArgs.mountPath", d.all.mountPath);
    same("SecretMountedTaskArgs.fileMode", d.all.fileMode);
    same("EcsFetchContainer.timeoutSeconds", d.all.fetch.timeoutSeconds);
    same("EcsFetchContainer.memory", d.fetch.memory);
    same("EcsFetchContainer.memoryReservation", d.fetch.memoryReservation);
    same("TaskContainer.readonlyRootFilesystem", d.containers[0].readonlyRootFilesystem);
    same("TaskContainer.essential", d.containers[0].essential);
    assert.equal(d.family, "web", all.get("SecretMountedTaskArgs.family")!.defaultTag);
    assert.equal(d.memory, 512, all.get("SecretMountedTaskArgs.memory")!.defaultTag);
  });
});
