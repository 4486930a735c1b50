import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();

// One declaration: the secrets in Secret Manager, a grant of the accessor role on each of them for
// exactly this Kubernetes ServiceAccount (Workload Identity Federation for GKE, no Google service
// account), the ServiceAccount, and a Deployment whose fetch init container writes them to memory.
const billing = new SecretMountedWorkload("billing-api", {
  namespace: config.get("namespace") ?? "billing",
  createNamespace: true,
  gke: {
    // The cluster's pool; the default is <the provider's project>.svc.id.goog.
    workloadPool: config.get("workloadPool"),
    // Looked up from the pool's project when not set (needs resourcemanager.projects.get).
    workloadPoolProjectNumber: config.get("workloadPoolProjectNumber"),
  },
  secrets: [
    // Generated at `pulumi up`, stored in Secret Manager; the value never passes through this program.
    { name: "db-password", generate: { type: "password", length: 32 } },
    // A key pair: stored as one JSON secret, written as two PEM files (signing-key.key, signing-key.pub).
    // Regional: stored only in europe-west4, read through secretmanager.europe-west4.rep.googleapis.com.
    {
      name: "signing-key",
      generate: { type: "ecdsa", ecdsaCurve: "P256" },
      gcp: { location: config.get("region") ?? "europe-west4" },
    },
    // An existing JSON secret (another project's), pinned to a version, fanned out into one file per key.
    {
      name: "stripe",
      existing: { name: config.require("stripeSecret") },
      gcp: { version: config.get("stripeVersion") ?? "latest" },
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
export const iamMembers = billing.iamMembers;
