import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();
const caFile = config.get("vaultCaFile");

// One declaration, no cloud platform: the secrets in Vault's KV version 2, a Vault policy granting
// `read` on exactly their data paths, a Kubernetes auth role bound to exactly this workload's
// ServiceAccount, the ServiceAccount, and a Deployment whose fetch init container logs in with a
// token projected for Vault's audience (its own, not the app's) and writes the secrets to memory.
// The Vault provider (@pulumi/vault) takes its address and token from `vault:address` /
// `vault:token` (or VAULT_ADDR / VAULT_TOKEN) at `pulumi up`.
const billing = new SecretMountedWorkload("billing-api", {
  namespace: config.get("namespace") ?? "billing",
  createNamespace: true,
  vault: {
    // How the pods reach Vault: https, or an explicit insecureHttp: true.
    address: config.require("vaultAddress"),
    // The CA that signed Vault's certificate, when it is a private one (mounted for the fetcher only).
    caCertificate: caFile ? fs.readFileSync(caFile, "utf8") : undefined,
    // The Kubernetes auth method's path (default "kubernetes") and the token audience (default "vault").
    authMount: config.get("vaultAuthMount"),
  },
  secrets: [
    // Generated at `pulumi up`, written to KV v2 at secret/billing-api/db-password as {"value": …};
    // the value never passes through this program.
    { name: "db-password", generate: { type: "password", length: 32 }, vault: {} },
    // An existing JSON secret, fanned out into one file per key; refresh mode follows its new versions.
    {
      name: "stripe",
      existing: { name: config.require("stripePath") },
      vault: { mount: config.get("stripeMount") ?? "secret" },
      files: [
        { path: "stripe/api-key", jsonKey: "apiKey" },
        { path: "stripe/webhook-secret", jsonKey: "webhookSecret" },
      ],
    },
  ],
  containers: [
    {
      name: "api",
      image: config.get("image") ?? "mirror.gcr.io/library/busybox:1.37",
      // Stand-in for the real app: shows the files and waits. Replace with your image.
      command: ["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
      runAsUser: 10001,
      runAsGroup: 10001, // else the primary group is the image's (0 for a UID it does not list)
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    },
  ],
  // Re-read the secrets every 5 minutes: a new KV version of stripe reaches running pods.
  refresh: { intervalSeconds: 300 },
  // For apps that want env vars: a dotenv file built from the secret files.
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  // The fetch image you built and pushed, pinned by digest.
  fetch: { image: config.require("fetchImage") },
});

export const serviceAccountName = billing.serviceAccountName;
export const workloadName = billing.workloadName;
export const selectorLabels = billing.selectorLabels; // a Service's selector
export const mountPath = billing.mountPath;
export const fetchSpec = billing.fetchSpec;
export const vaultPolicy = billing.vaultPolicy;
export const vaultRole = billing.vaultRole;
