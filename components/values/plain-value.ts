import * as pulumi from "@pulumi/pulumi";
import type { NormalizedSecret } from "../core/secret-set";

/** What keeps a value out of the program and its history: said once per warning. */
function fix(name: string): string {
  const key = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return (
    `Keep it out of the program: \`pulumi config set --secret ${key} <value>\` and \`config.requireSecret("${key}")\`; ` +
    'wrap a value the program computes in `pulumi.secret(...)`; or drop `value` and let the component generate it (`generate: { type: "password" }`).'
  );
}

/**
 * Warns, on the component, about every secret whose `value` is not a Pulumi secret. A plain string
 * sits in the program's source (or, read with `config.require`, in the stack's config file) and in
 * their history; an Output that is not secret shows in clear text wherever it comes from. The
 * warning names the field and the secret, never the value.
 */
export function warnPlainValues(resource: pulumi.Resource, secrets: NormalizedSecret[]): void {
  for (const s of secrets) {
    if (s.kind !== "value" || s.value === undefined) continue;
    const field = `secrets[${s.index}].value`;
    if (typeof s.value === "string") {
      void pulumi.log.warn(
        `${field} ("${s.name}") is a plain string, not a Pulumi secret: it sits in the program's source ` +
          `(or in the stack's config file, when read with config.require) and in their history. ${fix(s.name)}`,
        resource,
      );
      continue;
    }
    pulumi.output(pulumi.isSecret(pulumi.output(s.value))).apply((secret) => {
      if (secret) return;
      void pulumi.log.warn(
        `${field} ("${s.name}") is not a Pulumi secret: its value shows in clear text wherever it comes from ` +
          `(a stack's config file, another resource's outputs, a stack reference). ${fix(s.name)}`,
        resource,
      );
    });
  }
}
