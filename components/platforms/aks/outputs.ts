import type * as pulumi from "@pulumi/pulumi";

/** AKS's component outputs (other platforms leave them unset). */
export type AksOutputs = {
  /** Client id of the managed identity the fetch container uses. */
  identityClientId: pulumi.Output<string>;
  /** Principal (object) id of that identity, which the role assignments name. */
  identityPrincipalId: pulumi.Output<string>;
  /** URI of the Key Vault (`https://<name>.vault.azure.net/`). */
  vaultUri: pulumi.Output<string>;
  /** The "Key Vault Secrets User" role assignments (scope, role, principal), as JSON. */
  roleAssignments: pulumi.Output<string>;
  /** The federated identity credential (identity, issuer, subject, audiences), as JSON. */
  federatedCredential: pulumi.Output<string>;
};
