/**
 * One complete fetch of a spec's set: fetch every source, apply each file's transforms, render the
 * dotenv file. Returns either every file's bytes or one failure per failed file, never a mix.
 */
import { DEFAULT_FILE_MODE, type FetchSpec, parseFileMode } from "../../spec/fetch-spec";
import type { OutFile } from "./atomic-writer";
import type { Knobs } from "./config";
import { renderDotenv, dotenvValue } from "./dotenv";
import { fetchSources, type ProviderLoader } from "./fetch-sources";
import type { FailureClass } from "./providers/provider";
import { SourceError } from "./providers/provider";
import { sourceKey, sourceRef } from "./source-ref";
import { transformValue, utf8Text } from "./transform";
import { kubeletEnvFileProblem, kubeletEnvLine, kubeletEnvValueProblem } from "../../spec/kubelet-env-file";

export interface FileReport {
  file: string;
  source: string;
  version?: string;
  bytes: number;
  ms: number;
  attempt: number;
}

export interface FileFailure {
  file: string;
  source: string;
  cause: FailureClass;
  message: string;
  attempt: number;
}

export type FetchSetResult =
  | { ok: true; files: OutFile[]; reports: FileReport[]; calls: Record<string, number> }
  | { ok: false; failures: FileFailure[]; calls: Record<string, number> };

/** `stop` aborts the fetch's in-flight requests (see fetchSources). */
export async function fetchSet(
  spec: FetchSpec,
  knobs: Knobs,
  env: NodeJS.ProcessEnv,
  loadProvider: ProviderLoader,
  stop?: AbortSignal,
): Promise<FetchSetResult> {
  const { results, calls } = await fetchSources(
    spec.files.map((f) => f.source),
    knobs,
    env,
    loadProvider,
    stop,
  );
  const defaultMode = parseFileMode(spec.fileMode ?? DEFAULT_FILE_MODE) as number;
  const files: OutFile[] = [];
  const reports: FileReport[] = [];
  const failures: FileFailure[] = [];
  const byPath = new Map<string, Buffer>();
  for (const f of spec.files) {
    const r = results.get(sourceKey(f.source));
    const source = sourceRef(f.source);
    if (!r) {
      failures.push({ file: f.path, source, cause: "unavailable", message: "no result", attempt: 0 });
      continue;
    }
    if (!r.ok) {
      failures.push({ file: f.path, source, cause: r.error.failure, message: r.error.message, attempt: r.attempts });
      continue;
    }
    try {
      const bytes = transformValue(f, r.value, knobs.maxValueBytes);
      files.push({ path: f.path, bytes, mode: f.mode ? (parseFileMode(f.mode) as number) : defaultMode });
      byPath.set(f.path, bytes);
      reports.push({
        file: f.path,
        source,
        version: r.value.version,
        bytes: bytes.length,
        ms: r.ms,
        attempt: r.attempts,
      });
    } catch (e) {
      const err = e instanceof SourceError ? e : new SourceError("invalid", "the value could not be transformed");
      failures.push({ file: f.path, source, cause: err.failure, message: err.message, attempt: r.attempts });
    }
  }
  if (spec.envFile && failures.length === 0) {
    const vars: [string, Buffer][] = [];
    for (const [name, target] of Object.entries(spec.envFile.vars)) {
      const bytes = byPath.get(target) as Buffer;
      try {
        dotenvValue(bytes);
        vars.push([name, bytes]);
      } catch (e) {
        const err = e as SourceError;
        failures.push({
          file: spec.envFile.path,
          source: `file:${target}`,
          cause: err.failure,
          message: `${name}: ${err.message}`,
          attempt: 1,
        });
      }
    }
    if (failures.length === 0) {
      const bytes = renderDotenv(vars);
      files.push({ path: spec.envFile.path, bytes, mode: defaultMode });
      reports.push({ file: spec.envFile.path, source: "dotenv", bytes: bytes.length, ms: 0, attempt: 1 });
    }
  }
  if (spec.kubeletEnvFile && failures.length === 0) {
    const { path, vars } = spec.kubeletEnvFile;
    const lines: string[] = [];
    for (const [name, target] of Object.entries(vars)) {
      const bytes = byPath.get(target) as Buffer;
      const text = utf8Text(bytes);
      const problem = kubeletEnvValueProblem(text, bytes.length);
      if (problem)
        failures.push({
          file: path,
          source: `file:${target}`,
          cause: "invalid",
          message: `${name}: the value ${problem}`,
          attempt: 1,
        });
      else lines.push(kubeletEnvLine(name, text as string));
    }
    const bytes = Buffer.from(lines.join(""), "utf8");
    const sizeProblem = kubeletEnvFileProblem(bytes.length);
    if (failures.length === 0 && sizeProblem)
      failures.push({
        file: path,
        source: "kubelet-env",
        cause: "invalid",
        message: `the env file ${sizeProblem}`,
        attempt: 1,
      });
    if (failures.length === 0) {
      files.push({ path, bytes, mode: defaultMode });
      reports.push({ file: path, source: "kubelet-env", bytes: bytes.length, ms: 0, attempt: 1 });
    }
  }
  return failures.length > 0 ? { ok: false, failures, calls } : { ok: true, files, reports, calls };
}
