import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "./declaration-error";

/**
 * An Input given as an Output (another resource's, a stack reference's) is unknown at preview;
 * check it when it resolves, with the rule a plain value is checked with at preview. Everything
 * built from the returned Output (a policy, a grant, the FetchSpec) then fails to register with a
 * DeclarationError naming the field, so a malformed value never reaches the cloud.
 */
export function checkedWhenResolved(
  input: pulumi.Input<string>,
  problemOf: (value: string) => string | undefined,
  field: string,
  component: string,
): pulumi.Output<string> {
  return pulumi.output(input).apply((value) => {
    const problem = typeof value === "string" ? problemOf(value) : `resolved to ${JSON.stringify(value)}, not a string`;
    if (problem) throw new DeclarationError(field, `${problem} (checked when the value resolved)`, component);
    return value;
  });
}
