/**
 * `containers[].secretEnv`: environment variables the kubelet reads from an env file on the memory
 * volume (`env[].valueFrom.fileKeyRef`, Kubernetes 1.35+). Pure: resolves each variable to a
 * declared secret file, and refuses at preview what the kubelet would refuse at the container's
 * start (names, and the values known at preview), naming the variable and the limit.
 */
import { DEFAULT_GENERATION_FILE, pathCollision, type KubeletEnvFileSpec } from "../../spec/fetch-spec";
import { KUBELET_ENV_LIMITS, kubeletEnvNameProblem, kubeletEnvValueProblem } from "../../spec/kubelet-env-file";
import type { NormalizedContainer } from "./containers";
import type { NormalizedSecret, SecretSetDeclaration } from "./secret-set";

/** Where the fetcher writes the env file, under the mount. */
export const DEFAULT_KUBELET_ENV_FILE = "secret-mount.kubelet.env";

type Fail = (field: string, problem: string) => never;

/** The env file every container's `secretEnv` reads from, or undefined when none declares one. */
export function normalizeSecretEnv(
  containers: NormalizedContainer[],
  set: SecretSetDeclaration,
  fail: Fail,
): KubeletEnvFileSpec | undefined {
  const vars: { [name: string]: string } = {};
  const declaredBy = new Map<string, string>();
  const files = set.secrets.flatMap((s) => s.files.map((f) => ({ secret: s, file: f })));
  for (const c of containers) {
    if (c.secretEnv === undefined) continue;
    const at = `${c.field}.secretEnv`;
    if (typeof c.secretEnv !== "object" || c.secretEnv === null || Array.isArray(c.secretEnv))
      fail(at, 'must map variable names to secret names or file paths, e.g. { DB_PASSWORD: "db-password" }');
    const names = Object.keys(c.secretEnv);
    if (names.length === 0) fail(at, "is empty; name at least one variable, or remove it");
    for (const name of names) {
      const field = `${at}.${name}`;
      const nameProblem = kubeletEnvNameProblem(name);
      if (nameProblem) fail(field, nameProblem);
      if (c.env && Object.prototype.hasOwnProperty.call(c.env, name))
        fail(field, `is also in ${c.field}.env; a variable has one source, remove one of the two`);
      const target = c.secretEnv[name];
      if (typeof target !== "string" || target === "")
        fail(field, "must be the name of a declared secret or the path of a declared secret file");
      const byPath = files.find((x) => x.file.path === target);
      const bySecret = set.secrets.find((s) => s.name === target);
      let chosen = byPath;
      if (!chosen && bySecret) {
        if (bySecret.files.length !== 1)
          fail(
            field,
            `names secret "${target}", which has ${bySecret.files.length} files (${bySecret.files.map((f) => f.path).join(", ")}); name one of them by its path`,
          );
        chosen = { secret: bySecret, file: bySecret.files[0] };
      }
      if (!chosen)
        fail(
          field,
          `"${target}" is neither a declared secret nor a declared file path; secrets: ${set.secrets.map((s) => s.name).join(", ")}`,
        );
      const { secret, file } = chosen!;
      const other = vars[name];
      if (other !== undefined && other !== file.path) {
        fail(
          field,
          `reads "${file.path}", but ${declaredBy.get(name)} reads "${other}" under the same name; the pod's env file holds one value per name, so use one file or two names`,
        );
      }
      vars[name] = file.path;
      declaredBy.set(name, field);
      const valueProblem = knownValueProblem(secret, file);
      if (valueProblem) fail(field, `the value of secrets[${secret.index}] ("${secret.name}") ${valueProblem}`);
    }
  }
  if (Object.keys(vars).length === 0) return undefined;
  const path = DEFAULT_KUBELET_ENV_FILE;
  const taken = [
    ...files.map((x) => x.file.path),
    ...(set.envFile ? [set.envFile.path] : []),
    ...(set.refresh?.notify?.generationFile ? [set.refresh.notify.generationFile.path ?? DEFAULT_GENERATION_FILE] : []),
  ];
  const clash = taken.find((p) => pathCollision(p, path));
  if (clash)
    fail(
      "secrets",
      `the file "${clash}" collides with "${path}", where the fetcher writes the env file for secretEnv; rename the file`,
    );
  return { path, vars };
}

/** What can be known at preview of a file's value: a plain declared value, or a generated password's alphabet and size. */
function knownValueProblem(secret: NormalizedSecret, file: { jsonKey?: string; decode?: string }): string | undefined {
  if (secret.kind === "value" && typeof secret.value === "string" && file.decode === undefined) {
    let text: string | undefined = secret.value;
    if (file.jsonKey !== undefined) {
      try {
        const v = (JSON.parse(secret.value) as Record<string, unknown>)[file.jsonKey];
        text = typeof v === "string" ? v : undefined;
      } catch {
        text = undefined;
      }
      if (text === undefined) return undefined; // the other checks (or the fetcher) say what is wrong
    }
    return kubeletEnvValueProblem(text, Buffer.byteLength(text));
  }
  if (secret.kind === "generate" && secret.generate?.type === "password") {
    const g = secret.generate;
    if (g.special && g.specialCharacters.includes("'"))
      return "may contain a single quote (generate.specialCharacters), which the kubelet's env file cannot carry; remove it from specialCharacters";
    if (g.length > KUBELET_ENV_LIMITS.valueBytes)
      return `is ${g.length} characters long, over the env file's limit of ${KUBELET_ENV_LIMITS.valueBytes} bytes per value`;
  }
  return undefined;
}
