import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();

// One declaration: the secrets, the IAM role that may read exactly them (IRSA), the
// ServiceAccount, and a Deployment whose fetch init container writes them to a memory volume.
const billing = new SecretMountedWorkload("billing-api", {
  namespace: config.get("namespace") ?? "billing",
  createNamespace: true,
  eks: {
    oidcIssuerUrl: config.require("oidcIssuerUrl"),
    // Optional: derived from the issuer (IAM names the OIDC provider after it); given, it must match.
    oidcProviderArn: config.get("oidcProviderArn"),
  },
  secrets: [
    // Generated at `pulumi up`, stored in Secrets Manager; the value never passes through this program.
    { name: "db-password", generate: { type: "password", length: 32 } },
    // A key pair: stored as one JSON secret, written as two PEM files (signing-key.key, signing-key.pub).
    { name: "signing-key", generate: { type: "ecdsa", ecdsaCurve: "P256" } },
    // An existing JSON secret fanned out into one file per key.
    {
      name: "stripe",
      existing: { arn: config.require("stripeSecretArn") },
      files: [
        { path: "stripe/api-key", jsonKey: "apiKey" },
        { path: "stripe/webhook-secret", jsonKey: "webhookSecret" },
      ],
    },
    // An SSM SecureString parameter.
    {
      name: "feature-flags",
      aws: { store: "ssm-parameter" },
      generate: { type: "password", length: 24, special: false },
    },
  ],
  containers: [
    {
      name: "api",
      image: config.get("image") ?? "public.ecr.aws/docker/library/busybox:1.37",
      // Stand-in for the real app: shows the files and waits. Replace with your image.
      command: ["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
      runAsUser: 10001,
      runAsGroup: 10001, // else the primary group is the image's (0 for a UID it does not list)
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    },
  ],
  // For apps that want env vars: a dotenv file built from the secret files.
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  // The fetch image you built and pushed, pinned by digest (it holds the role that reads every secret).
  fetch: { image: config.require("fetchImage") },
});

export const roleArn = billing.roleArn;
export const serviceAccountName = billing.serviceAccountName;
export const workloadName = billing.workloadName;
export const selectorLabels = billing.selectorLabels; // a Service's selector
export const mountPath = billing.mountPath;
export const fetchSpec = billing.fetchSpec;
export const permissionPolicy = billing.permissionPolicy;
