import {
  FETCH_SPEC_VERSION,
  parseFetchSpec,
  type FetchFile,
  type FetchSpec,
  type SecretSource,
} from "../../spec/fetch-spec";
import type { SecretSetDeclaration } from "./secret-set";

/**
 * The FetchSpec for a declaration, given each secret's resolved source (parallel to
 * `decl.secrets`). Checked with the one parser the runtime uses, so a component can never
 * render a spec the fetcher would refuse.
 */
export function buildFetchSpec(
  decl: SecretSetDeclaration & { kubeletEnvFile?: FetchSpec["kubeletEnvFile"] },
  sources: SecretSource[],
): FetchSpec {
  const files: FetchFile[] = [];
  decl.secrets.forEach((s, i) => {
    for (const f of s.files) {
      const file: FetchFile = { path: f.path, source: sources[i] };
      if (f.jsonKey !== undefined) file.jsonKey = f.jsonKey;
      if (f.decode !== undefined) file.decode = f.decode;
      if (f.mode !== undefined) file.mode = f.mode;
      files.push(file);
    }
  });
  const spec: FetchSpec = {
    version: FETCH_SPEC_VERSION,
    dir: decl.mountPath,
    mode: decl.refresh ? "refresh" : "init",
    ...(decl.refresh ? { refreshSeconds: decl.refresh.intervalSeconds } : {}),
    fileMode: decl.fileMode,
    timeoutSeconds: decl.fetch.timeoutSeconds,
    files,
    ...(decl.envFile ? { envFile: { path: decl.envFile.path, vars: decl.envFile.vars } } : {}),
    ...(decl.kubeletEnvFile
      ? { kubeletEnvFile: { path: decl.kubeletEnvFile.path, vars: decl.kubeletEnvFile.vars } }
      : {}),
    ...(decl.refresh?.notify ? { notify: decl.refresh.notify } : {}),
  };
  return parseFetchSpec(spec);
}
