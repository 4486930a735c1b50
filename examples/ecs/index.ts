import * as pulumi from "@pulumi/pulumi";
import { SecretMountedTask } from "secret-mount";

const config = new pulumi.Config();
// FARGATE (default): the shared volume is task ephemeral storage (on disk, encrypted at rest).
// EC2: `pulumi config set launchType EC2` for a task-scoped tmpfs volume (memory only).
const launchType = config.get("launchType") === "EC2" ? "EC2" : "FARGATE";
const cluster = config.get("cluster");

// One declaration: the secrets, a task role that may read exactly them, an execution role that
// only pulls images and writes logs, and a task definition whose fetch container writes the
// secrets before the app starts (dependsOn SUCCESS).
const billing = new SecretMountedTask("billing-api", {
  launchType,
  cpu: launchType === "FARGATE" ? 256 : undefined,
  memory: 512,
  secrets: [
    // Generated at `pulumi up`, stored in Secrets Manager; the value never passes through this program.
    { name: "db-password", generate: { type: "password", length: 32 } },
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
    { name: "feature-flags", aws: { store: "ssm-parameter" }, generate: { type: "password", length: 24, special: false } },
  ],
  containers: [{
    name: "api",
    image: config.get("image") ?? "public.ecr.aws/docker/library/busybox:1.37",
    // Stand-in for the real app: shows the files in its log and waits. Replace with your image.
    command: ["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
    // The files are owned by 65532:65532 with mode 0440: the app reads them through gid 65532.
    user: "10001:65532",
    portMappings: [{ containerPort: 8080, name: "http" }],
    memoryReservation: 128,
  }],
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  // The fetch image you built and pushed, pinned by digest (it holds the role that reads every secret).
  fetch: { image: config.require("fetchImage") },
  service: cluster === undefined ? undefined : {
    cluster,
    desiredCount: 1,
    network: { subnets: config.requireObject<string[]>("subnets"), securityGroups: config.getObject<string[]>("securityGroups") },
  },
});

export const taskDefinitionArn = billing.taskDefinitionArn;
export const taskRoleArn = billing.taskRoleArn;
export const executionRoleArn = billing.executionRoleArn;
export const logGroupName = billing.logGroupName;
export const serviceName = billing.serviceName;
export const mountPath = billing.mountPath;
export const fetchSpec = billing.fetchSpec;
