import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../core/declaration-error";

/**
 * `value`, refused if it is a Pulumi secret. Whether an Output is secret is known only when it
 * resolves, so the refusal rejects the returned Output: the resource that takes it fails before it
 * is registered, and `pulumi preview` / `pulumi up` print the DeclarationError. A plain value can
 * never be secret and is returned as is.
 */
export function refuseSecret(value: pulumi.Input<string>, field: string, component: string): pulumi.Input<string> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = pulumi.output(value);
  return pulumi.output(pulumi.isSecret(output)).apply((secret) => {
    if (secret) {
      throw new DeclarationError(field, "is a Pulumi secret: it would sit in clear text in the Deployment's pod spec (readable by anyone who may read " +
        "Deployments) and make the whole spec one secret no reviewer can read. Declare it under `secrets` and read it from its file under " +
        "mountPath, or name that file in `envFile` for a dotenv file the app sources at start", component);
    }
    return pulumi.unsecret(output);
  });
}
