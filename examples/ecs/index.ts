import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { SecretMountedTask } from "secret-mount";

const config = new pulumi.Config();
// FARGATE (default): the shared volume is task ephemeral storage (on disk, encrypted at rest).
// EC2: `pulumi config set launchType EC2` for a task-scoped tmpfs volume (memory only); the service
// is then an awsx.ecs.EC2Service, and the cluster needs container instances (not made here).
const launchType = config.get("launchType") === "EC2" ? "EC2" : "FARGATE";
const appPort = 8080;
const vpcCidr = "10.0.0.0/16";

// The network, the cluster and the load balancer, as an ECS program makes them with awsx.
// Private subnets reach ECR, Secrets Manager, SSM and CloudWatch Logs through the NAT gateway
// (one for the VPC here; "OnePerAz" for production).
const vpc = new awsx.ec2.Vpc("billing", {
  cidrBlock: vpcCidr,
  natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
});
const cluster = new aws.ecs.Cluster("billing");

const lbSecurityGroup = new aws.ec2.SecurityGroup("billing-lb", {
  vpcId: vpc.vpcId,
  ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "tcp", fromPort: appPort, toPort: appPort, cidrBlocks: [vpcCidr] }],
});
const lb = new awsx.lb.ApplicationLoadBalancer("billing", {
  subnetIds: vpc.publicSubnetIds,
  securityGroups: [lbSecurityGroup.id],
  defaultTargetGroup: {
    port: appPort,
    protocol: "HTTP",
    targetType: "ip", // awsvpc: the load balancer sends to the task's own address
    // The stand-in app answers 404 to every path; your app's health path and "200" instead.
    healthCheck: { path: "/", matcher: "200-404" },
  },
});
const appSecurityGroup = new aws.ec2.SecurityGroup("billing-api", {
  vpcId: vpc.vpcId,
  ingress: [{ protocol: "tcp", fromPort: appPort, toPort: appPort, securityGroups: [lbSecurityGroup.id] }],
  // HTTPS out, through the NAT gateway: the registry, Secrets Manager, SSM, CloudWatch Logs.
  egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

// One declaration: the secrets, a task role that may read exactly them, an execution role that
// only pulls images and writes logs, and a task definition whose fetch container writes the
// secrets before the app starts (dependsOn SUCCESS). No `service`: awsx runs the task below.
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
      // Stand-in for the real app: shows the file names in its log, then answers HTTP on the app
      // port (404 for every path: it serves the empty /home, never the secrets). Replace with your image.
      command: ["sh", "-c", `ls -lL /run/secrets/app /run/secrets/app/stripe && exec httpd -f -p ${appPort} -h /home`],
      // The files are owned by 65532:65532 with mode 0440: the app reads them through gid 65532.
      user: "10001:65532",
      portMappings: [{ containerPort: appPort, name: "http" }],
      memoryReservation: 128,
    },
  ],
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  // The fetch image you built and pushed, pinned by digest (it holds the role that reads every secret).
  fetch: { image: config.require("fetchImage") },
});

// The service, made by awsx from the component's task definition.
const serviceArgs = {
  cluster: cluster.arn,
  taskDefinition: billing.taskDefinitionArn,
  desiredCount: 1,
  networkConfiguration: { subnets: vpc.privateSubnetIds, securityGroups: [appSecurityGroup.id] },
  loadBalancers: [{ targetGroupArn: lb.defaultTargetGroup.arn, containerName: "api", containerPort: appPort }],
  deploymentCircuitBreaker: { enable: true, rollback: true },
};
const service =
  launchType === "FARGATE"
    ? new awsx.ecs.FargateService("billing-api", { ...serviceArgs, assignPublicIp: false })
    : new awsx.ecs.EC2Service("billing-api", serviceArgs);

export const url = pulumi.interpolate`http://${lb.loadBalancer.dnsName}`;
export const clusterName = cluster.name;
export const serviceName = service.service.name;
export const taskDefinitionArn = billing.taskDefinitionArn;
export const taskRoleArn = billing.taskRoleArn;
export const executionRoleArn = billing.executionRoleArn;
export const logGroupName = billing.logGroupName;
export const mountPath = billing.mountPath;
export const fetchSpec = billing.fetchSpec;
