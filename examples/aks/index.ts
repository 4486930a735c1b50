import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();
const azure = new pulumi.Config("azure-native");

// The same declaration as examples/eks, with `aks` instead of `eks`: the secrets in a new Key Vault,
// a user-assigned identity that may read exactly them, the federated credential that lets exactly
// this ServiceAccount act as it, and the same hardened Deployment.
const billing = new SecretMountedWorkload("billing-api", {
  namespace: config.get("namespace") ?? "billing",
  createNamespace: true,
  aks: {
    oidcIssuerUrl: config.require("oidcIssuerUrl"),
    resourceGroupName: config.require("resourceGroupName"),
    location: azure.get("location"),
    // Given here so the offline render needs no Azure sign-in; omit both to use the provider's.
    tenantId: azure.get("tenantId"),
    subscriptionId: azure.get("subscriptionId"),
    keyVault: { name: config.get("keyVaultName") },
  },
  secrets: [
    // Generated at `pulumi up`, stored in Key Vault; the value never passes through this program.
    { name: "db-password", generate: { type: "password", length: 32 } },
    // A key pair: stored as one JSON secret, written as two PEM files (signing-key.key, signing-key.pub).
    { name: "signing-key", generate: { type: "ecdsa", ecdsaCurve: "P256" } },
    // A value you supply as a Pulumi secret (pulumi config set --secret stripeApiKey …).
    { name: "stripe-api-key", value: config.requireSecret("stripeApiKey"), files: [{ path: "stripe/api-key" }] },
  ],
  containers: [
    {
      name: "api",
      image: config.get("image") ?? "mcr.microsoft.com/cbl-mariner/busybox:2.0",
      // Stand-in for the real app: shows the files and waits. Replace with your image.
      command: ["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
      runAsUser: 10001,
      runAsGroup: 10001, // else the primary group is the image's (0 for a UID it does not list)
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    },
  ],
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  // The fetch image you built and pushed, pinned by digest.
  fetch: { image: config.require("fetchImage") },
});

export const identityClientId = billing.identityClientId;
export const vaultUri = billing.vaultUri;
export const roleAssignments = billing.roleAssignments;
export const federatedCredential = billing.federatedCredential;
export const workloadName = billing.workloadName;
export const selectorLabels = billing.selectorLabels; // a Service's selector
export const fetchSpec = billing.fetchSpec;
