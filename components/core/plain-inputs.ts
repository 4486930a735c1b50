import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "./declaration-error";

/**
 * `value`, refused if it is a Pulumi secret (`problem` says where it would sit in clear text and
 * what to do instead). Whether an Output is secret is known only when it resolves, so the refusal
 * rejects the returned Output: the resource that takes it fails before it is registered, and
 * `pulumi preview` / `pulumi up` print the DeclarationError. A plain value can never be secret and
 * is returned as is.
 */
export function refuseSecret(
  value: pulumi.Input<string>,
  field: string,
  component: string,
  problem: string,
): pulumi.Input<string> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = pulumi.output(value);
  return pulumi.output(pulumi.isSecret(output)).apply((secret) => {
    if (secret) throw new DeclarationError(field, `is a Pulumi secret: ${problem}`, component);
    return pulumi.unsecret(output);
  });
}
