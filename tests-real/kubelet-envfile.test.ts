/**
 * The env file the fetcher writes for `fileKeyRef`, read back by the kubelet's OWN parser
 * (k8s.io/kubernetes v1.36.3 pkg/kubelet/util/env ParseEnv, built from the Go module proxy by
 * tools/build.sh kubelet-envfile): every value the fetcher writes comes back byte for byte, and
 * every value or name it refuses is one the kubelet would misread, not find, or fail on.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { KUBELET_ENV_LIMITS } from "../spec/kubelet-env-file";
import { AwsDouble, REGION } from "../tests/runtime/doubles/aws";
import { runFetch, specEnv, tempDir } from "../tests/runtime/harness";
import { needTool } from "./helpers/tools";

const ROOT = path.resolve(__dirname, "..");

interface Parsed {
  key: string;
  found: boolean;
  value?: string;
  error?: string;
}

/** The kubelet's answer for each key of `file`. */
function kubeletRead(bin: string, file: string, keys: string[]): Parsed[] {
  return execFileSync(bin, [file, ...keys], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Parsed);
}

/** Variable name -> value the fetcher must write and the kubelet must read back the same. */
const WRITTEN: Record<string, string> = {
  DB_PASSWORD: "plain-s3cr3t",
  SPACES: "  leading, inner and trailing  ",
  DOUBLE_QUOTE: 'say "hi"',
  HASH: "#not-a-comment and a # b #",
  UNICODE: "unicodé ✓ 日本 🙂",
  SHELLISH: "dollar $HOME ${HOME} $(id) `id` ; | & < > * ? ~ !",
  BACKSLASH: "back\\slash \\n \\t \\",
  MULTI_LINE: "line one\nline two\n\nline four",
  EDGE_NEWLINES: "\nstarts and ends with a newline\n",
  LOOKS_LIKE_A_LINE: "x\nOTHER=injected",
  TAB: "tab\there",
  EQUALS: "=a=b==",
  LONE_CR: "lone\rcarriage return",
  JSON: '{"user":"app","password":"p@ss:w/rd"}',
  MAX_VALUE: "v".repeat(KUBELET_ENV_LIMITS.valueBytes),
  "lower.dotted-name": "names are printable ASCII but =",
  "INNER SPACE": "a name with an inner space",
  "9STARTS_WITH_DIGIT": "relaxed names",
  ["N".repeat(KUBELET_ENV_LIMITS.nameChars)]: "the longest name",
};

describe("the kubelet's own env-file parser (k8s.io/kubernetes v1.36.3) reads what the fetcher writes", function () {
  let bin: string;
  let aws: AwsDouble;

  before(async function () {
    this.timeout(0);
    bin = needTool(this, "kubelet-envfile");
    execFileSync(process.execPath, [path.join(ROOT, "runtime-image/build.mjs")], { cwd: ROOT, stdio: "ignore" });
    aws = await new AwsDouble().start();
  });
  after(() => aws?.close());

  /** A spec: one secret and one file per variable, and the kubelet env file built from them. */
  function spec(vol: string, vars: Record<string, string>) {
    const names = Object.keys(vars);
    names.forEach((name, i) => aws.putSecret(`envfile/${i}`, vars[name]));
    return {
      version: 1,
      dir: vol,
      mode: "init",
      timeoutSeconds: 5,
      files: names.map((_, i) => ({
        path: `v/${i}`,
        source: { type: "aws-secretsmanager", secretId: `envfile/${i}`, region: REGION },
      })),
      kubeletEnvFile: { path: "kube.env", vars: Object.fromEntries(names.map((n, i) => [n, `v/${i}`])) },
    };
  }

  it("every value comes back byte for byte (spaces, quotes, '#', shell syntax, unicode, line breaks, the size limit)", async () => {
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({ env: specEnv(spec(vol, WRITTEN), aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(vol, "kube.env");
    assert.ok(fs.statSync(file).size <= KUBELET_ENV_LIMITS.fileBytes);
    const names = Object.keys(WRITTEN);
    const parsed = kubeletRead(bin, file, names);
    for (const [i, name] of names.entries()) {
      assert.equal(parsed[i].error, undefined, `${name}: ${parsed[i].error}`);
      assert.equal(parsed[i].found, true, `${name} found`);
      assert.equal(parsed[i].value, WRITTEN[name], `${name} reads back the same`);
    }
    // A value that looks like a line of the file is still one value: no variable comes from it.
    assert.equal(kubeletRead(bin, file, ["OTHER"])[0].found, false);
  });

  /** Values the fetcher refuses, the limit it names, and what the kubelet does with the naive line. */
  const REFUSED_VALUES: { value: string; reason: RegExp; kubelet: (p: Parsed) => boolean; kubeletDoes: string }[] = [
    {
      value: "it's",
      reason: /single quote/,
      kubelet: (p) => p.error !== undefined,
      kubeletDoes: "fails to parse the file",
    },
    {
      value: "",
      reason: /empty, which the kubelet treats as a missing key/,
      kubelet: (p) => !p.found && !p.error,
      kubeletDoes: "finds no key",
    },
    {
      value: "crlf\r\nline",
      reason: /carriage return before a line feed/,
      kubelet: (p) => p.value === "crlf\nline",
      kubeletDoes: "drops the carriage return",
    },
    {
      value: "x".repeat(70_000),
      reason: /over the env file's limit of 32768 bytes per value/,
      kubelet: (p) => /too long/.test(p.error ?? ""),
      kubeletDoes: "fails: a line over 64 KiB",
    },
  ];

  for (const c of REFUSED_VALUES) {
    it(`refuses a value the kubelet mishandles (${c.kubeletDoes}): one line naming the variable and the limit, exit 1, nothing written`, async () => {
      const naive = path.join(tempDir(), "naive.env");
      fs.writeFileSync(naive, `OK='fine'\nBAD='${c.value}'\n`);
      const p = kubeletRead(bin, naive, ["BAD"])[0];
      assert.ok(
        c.kubelet(p),
        `the kubelet ${c.kubeletDoes}: ${JSON.stringify({ ...p, value: p.value?.slice(0, 40) })}`,
      );

      const vol = path.join(tempDir(), "vol");
      // The fetcher's own value limit (64 KiB by default) raised: the env file's limit is what refuses.
      const r = await runFetch({
        env: specEnv(spec(vol, { OK: "fine", BAD: c.value }), {
          ...aws.podIdentityEnv(tempDir()),
          SECRET_MOUNT_MAX_VALUE_BYTES: "200000",
        }),
      });
      assert.equal(r.code, 1);
      const failed = r.logs.filter((l) => l.event === "file-failed");
      assert.equal(failed.length, 1, JSON.stringify(failed));
      assert.match(String(failed[0].msg), /BAD: the value /);
      assert.match(String(failed[0].msg), c.reason);
      assert.equal(fs.existsSync(path.join(vol, "..data")), false, "nothing written");
    });
  }

  /** Names the spec refuses (exit 2, naming the field), each one the kubelet cannot find or fails on. */
  const REFUSED_NAMES: { name: string; reason: RegExp; kubeletDoes: string }[] = [
    { name: "#HASHED", reason: /starts with '#'/, kubeletDoes: "reads the line as a comment" },
    { name: " LEADING", reason: /starts or ends with a space/, kubeletDoes: "skips the blank and finds another name" },
    { name: "TRAILING ", reason: /starts or ends with a space/, kubeletDoes: "fails: a blank before '='" },
    { name: "A=B", reason: /'='/, kubeletDoes: "splits the name at the first '='" },
    {
      name: "N".repeat(KUBELET_ENV_LIMITS.nameChars + 1),
      reason: /129 characters; the env file keeps names to 128/,
      kubeletDoes: "(reads it today; the KEP limit)",
    },
  ];

  for (const c of REFUSED_NAMES) {
    it(`refuses a variable name the kubelet cannot use (${c.kubeletDoes}), naming it; exit 2`, async () => {
      if (c.name.length <= KUBELET_ENV_LIMITS.nameChars) {
        const naive = path.join(tempDir(), "naive.env");
        fs.writeFileSync(naive, `${c.name}='value'\n`);
        const p = kubeletRead(bin, naive, [c.name])[0];
        assert.ok(
          p.error !== undefined || !p.found || p.value !== "value",
          `the kubelet ${c.kubeletDoes}: ${JSON.stringify(p)}`,
        );
      }
      const vol = path.join(tempDir(), "vol");
      const r = await runFetch({ env: specEnv(spec(vol, { [c.name]: "value" }), aws.podIdentityEnv(tempDir())) });
      assert.equal(r.code, 2);
      const line = r.logs.find((l) => l.event === "invalid-config");
      assert.ok(line);
      assert.equal(line.field, `SECRET_MOUNT_SPEC kubeletEnvFile.vars.${c.name}`);
      assert.match(String(line.msg), c.reason);
    });
  }
});
