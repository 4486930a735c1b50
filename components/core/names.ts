/** Kubernetes name rules (apimachinery validation), stated as problems a user can act on. */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function suggest(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return s ? `, e.g. "${s}"` : "";
}

/** RFC 1123 label: namespaces, container names, port-free object names. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "must be a non-empty name";
  if (name.length > 63) return `"${name}" is ${name.length} characters; a DNS-1123 label has at most 63`;
  if (!DNS1123_LABEL.test(name))
    return `"${name}" is not a DNS-1123 label: use lower-case letters, digits and "-", starting and ending with a letter or digit${suggest(name)}`;
  return undefined;
}

/** RFC 1123 subdomain: Deployment and ServiceAccount names. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "must be a non-empty name";
  if (name.length > 253) return `"${name}" is ${name.length} characters; a DNS-1123 subdomain has at most 253`;
  if (!DNS1123_SUBDOMAIN.test(name))
    return `"${name}" is not a DNS-1123 subdomain: use lower-case letters, digits, "-" and "."${suggest(name)}`;
  return undefined;
}

export function envNameProblem(name: string): string | undefined {
  if (!C_IDENTIFIER.test(name))
    return `"${name}" is not a portable environment variable name; use letters, digits and "_", not starting with a digit`;
  return undefined;
}

export function portNameProblem(name: string): string | undefined {
  if (name.length > 15 || !IANA_SVC_NAME.test(name) || name.includes("--")) {
    return `"${name}" is not a valid port name: at most 15 lower-case letters, digits and single "-", with at least one letter`;
  }
  return undefined;
}
