import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();

// An app that reads only environment variables (no files, no wrapper script, no Kubernetes Secret),
// and picks up rotated values by restarting in place. Needs Kubernetes 1.36 or later:
// `secretEnv` uses env[].valueFrom.fileKeyRef (EnvFiles, 1.35+) and `restartPod` the
// RestartAllContainers restart rule (1.36+). See docs/env-vars.md and docs/rotation.md.
const orders = new SecretMountedWorkload("orders-api", {
  namespace: config.get("namespace") ?? "orders",
  createNamespace: true,
  eks: { oidcIssuerUrl: config.require("oidcIssuerUrl") },
  secrets: [
    // Generated at `pulumi up` (its special characters hold no single quote, which an env file
    // cannot carry), rotated every 30 days.
    { name: "db-password", generate: { type: "password", length: 32, rotateEveryDays: 30 } },
    // An existing secret, rotated by whoever owns it.
    { name: "api-token", existing: { arn: config.require("apiTokenSecretArn") } },
  ],
  containers: [
    {
      name: "api",
      image: config.get("image") ?? "public.ecr.aws/docker/library/busybox:1.37",
      // Stand-in for the real app: says which variables it got (never their values) and waits.
      command: [
        "sh",
        "-c",
        'for v in DB_PASSWORD API_TOKEN; do eval "test -n \\"\\$$v\\"" && echo "$v is set"; done; exec sleep 86400',
      ],
      runAsUser: 10001,
      runAsGroup: 10001, // else the primary group is the image's (0 for a UID it does not list)
      ports: [{ name: "http", containerPort: 8080 }],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
      // Variable name -> a secret's name (or a secret file's path). The pod spec holds references
      // only; the kubelet reads the values from the fetcher's env file when the container starts.
      secretEnv: { DB_PASSWORD: "db-password", API_TOKEN: "api-token" },
    },
  ],
  refresh: {
    intervalSeconds: 300,
    // After a changed set is in place, restart the pod in place (same pod, node and IP; the
    // fetcher's first run repeats, the app starts with the new values), at most once per 10 minutes.
    notify: { restartPod: { minIntervalSeconds: 600 } },
  },
  fetch: { image: config.require("fetchImage") },
});

export const roleArn = orders.roleArn;
export const workloadName = orders.workloadName;
export const selectorLabels = orders.selectorLabels; // a Service's selector
export const fetchSpec = orders.fetchSpec;
