// Checks for the Markdown documentation (README.md, CONTRIBUTING.md, docs/): code blocks that
// type-check, links and anchors that resolve, `npm run` scripts that exist, and quoted error
// messages that the code produces. Pure functions over text, plus one TypeScript program for the
// blocks; tests/docs/docs.test.ts runs them on the repository, checker.test.ts on broken samples.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** One fenced code block: its info string (`ts`, `ts fragment`, `sh`, …), text and first line (1-based). */
export interface CodeBlock {
  lang: string;
  info: string;
  code: string;
  line: number;
}

/** A problem found in one Markdown file, at a line. */
export interface Finding {
  file: string;
  line: number;
  problem: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/** The fenced code blocks of a Markdown text (indented fences inside list items included). */
export function codeBlocks(md: string): CodeBlock[] {
  const lines = md.split("\n");
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2].startsWith(fence[0]) && close[2].length >= fence.length && close[3].trim() === "") break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const words = info.trim().split(/\s+/);
    out.push({ lang: words[0] ?? "", info: info.trim(), code: body.join("\n"), line: i + 1 });
    i = j;
  }
  return out;
}

/** Lines of a Markdown text with fenced code blocks blanked (so `# comment` in a block is no heading, a link in a block no link). */
export function proseLines(md: string): string[] {
  const lines = md.split("\n");
  let inFence: string | undefined;
  return lines.map((l) => {
    const m = FENCE.exec(l);
    if (inFence === undefined && m) {
      inFence = m[2];
      return "";
    }
    if (inFence !== undefined) {
      if (m && m[2].startsWith(inFence[0]) && m[2].length >= inFence.length && m[3].trim() === "") inFence = undefined;
      return "";
    }
    return l;
  });
}

/** GitHub's anchor for a heading's text: inline markup dropped, lower case, punctuation removed, spaces to `-`. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__|\*|_(?=\S)|(?<=\S)_)/g, (m) => (m === "_" ? "_" : ""));
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown text defines through its headings (duplicates get `-1`, `-2`, … as on GitHub). */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const l of proseLines(md)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Inline links `[text](target)` outside code, with their line. */
export function links(md: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  proseLines(md).forEach((l, i) => {
    const prose = l.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1], line: i + 1 });
  });
  return out;
}

/** Relative links and anchors of one Markdown file that do not resolve. */
export function checkLinks(root: string, file: string, md: string): Finding[] {
  const findings: Finding[] = [];
  const rel = path.relative(root, file);
  for (const { target, line } of links(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [p, anchor] = target.split("#", 2);
    const resolved = p === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(p));
    const inRepo = path.relative(root, resolved);
    if (inRepo.startsWith("..") || path.isAbsolute(inRepo)) {
      findings.push({ file: rel, line, problem: `link ${target} leaves the repository` });
      continue;
    }
    if (p !== "" && !fs.existsSync(resolved)) {
      findings.push({ file: rel, line, problem: `link ${target}: ${inRepo} does not exist` });
      continue;
    }
    if (anchor !== undefined && resolved.endsWith(".md")) {
      const text = resolved === file ? md : fs.readFileSync(resolved, "utf8");
      if (!anchors(text).has(anchor))
        findings.push({ file: rel, line, problem: `link ${target}: ${inRepo} has no heading #${anchor}` });
    }
  }
  return findings;
}

/** `npm run <script>` mentions naming a script package.json does not have. */
export function checkNpmScripts(rel: string, md: string, scripts: Record<string, string>): Finding[] {
  const findings: Finding[] = [];
  md.split("\n").forEach((l, i) => {
    for (const m of l.matchAll(/\bnpm run ([A-Za-z][\w:.-]*)/g)) {
      if (!(m[1] in scripts))
        findings.push({ file: rel, line: i + 1, problem: `npm run ${m[1]}: package.json has no script "${m[1]}"` });
    }
  });
  return findings;
}

/**
 * Messages quoted by a troubleshooting page: the code span in the first cell of each row of a
 * table whose first header cell is `message`.
 */
export function quotedMessages(md: string): { quote: string; line: number }[] {
  const out: { quote: string; line: number }[] = [];
  const lines = proseLines(md);
  let inTable = false;
  let headerIsMessage = false;
  lines.forEach((l, i) => {
    const cells = l.startsWith("|")
      ? l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim())
      : undefined;
    if (!cells) {
      inTable = false;
      return;
    }
    if (/^-+$/.test(cells[0]?.replace(/:/g, "") ?? "")) return; // the separator row
    if (!inTable) {
      inTable = true;
      headerIsMessage = cells[0] === "message";
      return;
    }
    if (!headerIsMessage) return;
    const span = /^`([^`]+)`/.exec(cells[0]);
    if (span) out.push({ quote: span[1], line: i + 1 });
  });
  return out;
}

/** Source text a quoted message is looked up in: string-literal escapes undone. */
export function sourceCorpus(root: string, dirs: string[]): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== "node_modules" && e.name !== "dist") walk(p);
      else if (e.isFile() && e.name.endsWith(".ts")) parts.push(fs.readFileSync(p, "utf8"));
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return parts.join("\n").replace(/\\(["'`\\])/g, "$1");
}

/** Quoted messages with a piece (between `…`) that the sources do not contain. */
export function checkQuotedMessages(rel: string, md: string, corpus: string): Finding[] {
  const findings: Finding[] = [];
  for (const { quote, line } of quotedMessages(md)) {
    const pieces = quote
      .split("…")
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (pieces.length === 0) findings.push({ file: rel, line, problem: `quoted message \`${quote}\` has no text` });
    for (const piece of pieces) {
      if (!corpus.includes(piece))
        findings.push({ file: rel, line, problem: `quoted message piece "${piece}" occurs nowhere in the sources` });
    }
  }
  return findings;
}

/**
 * The keys a page documents in its tables: the first cell of each row (a code span's text, or the
 * cell as written) of every table whose first header cell is `header` (e.g. `event`, `cause`).
 */
export function tableKeys(md: string, header: string): Set<string> {
  const out = new Set<string>();
  let inTable = false;
  let matches = false;
  for (const l of proseLines(md)) {
    const cells = l.startsWith("|")
      ? l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim())
      : undefined;
    if (!cells) {
      inTable = false;
      continue;
    }
    if (/^-+$/.test(cells[0]?.replace(/:/g, "") ?? "")) continue;
    if (!inTable) {
      inTable = true;
      matches = cells[0] === header;
      continue;
    }
    if (matches) out.add(/^`([^`]+)`/.exec(cells[0])?.[1] ?? cells[0]);
  }
  return out;
}

/** What the fetch program can report, read off its sources: exit codes, failure classes of a failed file, log events, write-failure codes. */
export interface RuntimeVocabulary {
  exitCodes: number[];
  failureClasses: string[];
  events: string[];
  writeCodes: string[];
}

/**
 * Reads the fetch program's sources (runtime-image/src) for everything it can report: the values of
 * `EXIT` (exit-codes.ts), the members of the `FailureClass` union (providers/provider.ts), every
 * event name given to the logger (`log.info("…"`, `log[level]("…"`, a provider's `ctx.log({ event: "…" })`),
 * and every code a `WriteError` carries (the errno codes explained in atomic-writer.ts and the literal ones).
 */
export function runtimeVocabulary(root: string, exit: Record<string, number>): RuntimeVocabulary {
  const src = path.join(root, "runtime-image/src");
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) texts.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(src);
  const all = texts.join("\n");
  const union =
    /export type FailureClass =([^;]+);/.exec(fs.readFileSync(path.join(src, "providers/provider.ts"), "utf8"))?.[1] ??
    "";
  const failureClasses = [...union.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]);
  const events = new Set<string>();
  for (const m of all.matchAll(/\blog(?:\.(?:info|warn|error)|\[\w+\])\(\s*"([a-z][a-z-]*)"/g)) events.add(m[1]);
  for (const m of all.matchAll(/\bctx\.log\(\{\s*event:\s*"([a-z][a-z-]*)"/g)) events.add(m[1]);
  const writer = fs.readFileSync(path.join(src, "atomic-writer.ts"), "utf8");
  const writeCodes = new Set<string>();
  // `new WriteError(<message>, "<CODE>"[, visible])`, on one line or spread over several (as Prettier breaks it).
  for (const m of writer.matchAll(
    /new WriteError\((?:(?!new WriteError\()[\s\S])*?,\s*"([A-Z]+)"(?:,\s*\w+)?,?\s*\)/g,
  )) {
    writeCodes.add(m[1]);
  }
  const why = /const why: Record<string, string> = \{([\s\S]*?)\};/.exec(writer)?.[1] ?? "";
  for (const m of why.matchAll(/^\s*([A-Z]+):/gm)) writeCodes.add(m[1]);
  const fallback = /\?\? "([A-Z]+)";/.exec(writer.slice(writer.indexOf("function asWriteError")))?.[1];
  if (fallback) writeCodes.add(fallback);
  return {
    exitCodes: Object.values(exit).sort((a, b) => a - b),
    failureClasses,
    events: [...events].sort(),
    writeCodes: [...writeCodes].sort(),
  };
}

/**
 * What the troubleshooting page must list, each in its own table: every exit code (table `exit
 * code`), failure class (`cause`), log event (`event`) and write-failure code (`write code`) of the
 * fetch program, so none can be added without its cause and fix.
 */
export function checkRuntimeCoverage(rel: string, md: string, v: RuntimeVocabulary): Finding[] {
  const findings: Finding[] = [];
  const need = (header: string, keys: string[], what: string) => {
    const have = tableKeys(md, header);
    if (keys.length === 0)
      findings.push({ file: rel, line: 1, problem: `no ${what} found in the sources: the checker reads them wrongly` });
    for (const k of keys)
      if (!have.has(k)) findings.push({ file: rel, line: 1, problem: `${what} ${k} is in no \`${header}\` table` });
  };
  need("exit code", v.exitCodes.map(String), "fetcher exit code");
  need("cause", v.failureClasses, "failure class");
  need("event", v.events, "log event");
  need("write code", v.writeCodes, "write-failed code");
  return findings;
}

/** The TypeScript blocks to type-check: `ts`/`typescript` blocks not marked `fragment`. */
export function checkedBlocks(md: string): CodeBlock[] {
  return codeBlocks(md).filter((b) => (b.lang === "ts" || b.lang === "typescript") && !/\bfragment\b/.test(b.info));
}

/**
 * Type-checks each block as its own module against the package (`secret-mount` resolves through
 * tsconfig.json's `paths`). Returns one finding per error, at the Markdown line it comes from.
 */
export function typecheckBlocks(root: string, blocks: { file: string; block: CodeBlock }[]): Finding[] {
  const configPath = path.join(root, "tsconfig.json");
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noUnusedLocals: false, declaration: false };
  const dir = path.join(root, ".docs-check");
  const virtual = new Map<string, { text: string; file: string; line: number }>();
  blocks.forEach(({ file, block }, i) => {
    const name = path.join(dir, `${path.basename(file, ".md").replace(/[^\w-]/g, "_")}_${i}.ts`);
    virtual.set(name, { text: `${block.code}\nexport {};\n`, file, line: block.line });
  });
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const v = virtual.get(path.resolve(fileName));
    return v
      ? ts.createSourceFile(fileName, v.text, language, true)
      : getSourceFile(fileName, language, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => virtual.get(path.resolve(f))?.text ?? readFile(f);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const findings: Finding[] = [];
  for (const [name, v] of virtual) {
    const sf = program.getSourceFile(name)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diagnostics) {
      const at = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line : 0;
      findings.push({
        file: path.relative(root, v.file),
        line: v.line + 1 + at,
        problem: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
      });
    }
  }
  return findings;
}

/** The two commands a fresh machine runs, kept literal at the top of the README. */
export const FRESH_MACHINE_COMMANDS = ["npm ci && npm run render -- examples/eks", "npm test"];
/** The README's size limit: what it is and why, how to start, and a map of docs/. */
export const README_MAX_BYTES = 12 * 1024;

/** README limits: at most `maxBytes`, and each of `commands` present literally. */
export function checkReadme(md: string, maxBytes: number, commands: string[]): Finding[] {
  const findings: Finding[] = [];
  const bytes = Buffer.byteLength(md, "utf8");
  if (bytes > maxBytes) findings.push({ file: "README.md", line: 1, problem: `is ${bytes} bytes, over ${maxBytes}` });
  for (const c of commands)
    if (!md.includes(c)) findings.push({ file: "README.md", line: 1, problem: `lacks the command "${c}"` });
  return findings;
}

/** The Markdown files the checks cover: README.md, CONTRIBUTING.md, docs/**, the examples' and the runtime's READMEs. */
export function documentationFiles(root: string): string[] {
  const examples = fs.existsSync(path.join(root, "examples"))
    ? fs.readdirSync(path.join(root, "examples")).map((d) => `examples/${d}/README.md`)
    : [];
  const out = ["README.md", "CONTRIBUTING.md", "runtime-image/README.md", ...examples]
    .map((f) => path.join(root, f))
    .filter((f) => fs.existsSync(f));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) out.push(p);
    }
  };
  if (fs.existsSync(path.join(root, "docs"))) walk(path.join(root, "docs"));
  return out;
}

/** Findings as one readable block for an assertion message. */
export function report(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: ${f.problem}`).join("\n");
}
