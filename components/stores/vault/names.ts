/**
 * What a Vault path, mount, namespace, role or policy name may hold here. The policy grants exact
 * paths: a character Vault's policy syntax reads as a glob (`*`, `+`) or a template (`{{ }}`) would
 * widen it, so such a path is refused rather than quoted.
 */

/** Characters of one path segment: letters, digits and `. _ - @ =`. */
const SEGMENT = /^[A-Za-z0-9._@=-]+$/;
/** Mounts Vault itself owns: a KV mount or auth method cannot sit there. */
const RESERVED_MOUNTS = ["sys", "auth", "identity", "cubbyhole"];

/** Why a KV mount or path (segments joined by `/`) cannot be granted exactly, or undefined. */
export function kvPathProblem(p: unknown, what: "mount" | "path"): string | undefined {
  if (typeof p !== "string" || p.length === 0)
    return `must be a non-empty ${what}, e.g. ${what === "mount" ? '"secret"' : '"apps/billing/db"'}`;
  if (p.length > 512) return `is ${p.length} characters; keep it at most 512`;
  if (/[*+]/.test(p)) {
    return `"${p}" holds "${/[*]/.test(p) ? "*" : "+"}", which Vault's policy syntax reads as a glob: the policy would grant more than this secret; name the secret's exact path`;
  }
  if (/[{}]/.test(p))
    return `"${p}" holds "{" or "}", which Vault's policy syntax reads as a template; name the secret's exact path`;
  for (const s of p.split("/")) {
    if (s === "") return `"${p}" has an empty segment ("//"); remove it`;
    if (s === "." || s === "..") return `"${p}" has a "${s}" segment; give the plain path`;
    if (!SEGMENT.test(s))
      return `"${p}" has segment "${s}" with characters outside letters, digits and . _ - @ =; rename it, or reference it by a path without them`;
  }
  if (what === "mount" && RESERVED_MOUNTS.includes(p.split("/")[0]))
    return `"${p}" is under "${p.split("/")[0]}/", which Vault reserves for itself; name the KV version 2 mount`;
  return undefined;
}

/** Why a Vault Enterprise namespace path is not usable, or undefined. */
export function namespaceProblem(ns: unknown): string | undefined {
  if (typeof ns !== "string" || ns.replace(/^\/+|\/+$/g, "") === "")
    return 'must be a namespace path such as "team-a" or "org/team-a"';
  const p = ns.replace(/^\/+|\/+$/g, "");
  for (const s of p.split("/")) {
    if (!/^[A-Za-z0-9_-]+$/.test(s))
      return `"${ns}" has segment "${s}"; a Vault namespace segment holds letters, digits, _ and -`;
  }
  return undefined;
}

/** Why a Kubernetes auth role name is not usable, or undefined. */
export function roleNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || !/^[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,126}[A-Za-z0-9])?$/.test(name)) {
    return `${JSON.stringify(name)} is not a role name: 1-128 letters, digits and . _ @ -, starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Vault lowercases policy names, and reserves `root` and `default`. */
export function policyNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || !/^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/.test(name)) {
    return `${JSON.stringify(name)} is not a policy name: 1-128 lower-case letters, digits and . _ - (Vault stores policy names in lower case), starting and ending with a letter or digit`;
  }
  if (name === "root" || name === "default")
    return `"${name}" is one of Vault's built-in policies; name the workload's own policy`;
  return undefined;
}
