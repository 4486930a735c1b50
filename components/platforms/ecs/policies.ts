/** IAM documents of an ECS task's two roles, built from typed pieces. Pure. */
import type { PolicyDocument, PolicyStatement } from "../../clouds/aws/policies";
import { policyFor, type GrantItem } from "../../clouds/aws/policy-split";

export interface AccountScope {
  partition: string;
  region: string;
  accountId: string;
}

/**
 * Trust of both roles: only the ECS tasks service, and only on behalf of ECS resources of this
 * account and region, as the ECS developer guide documents for confused-deputy protection
 * ("Task IAM role": `ArnLike aws:SourceArn arn:aws:ecs:<region>:<account>:*` with
 * `StringEquals aws:SourceAccount <account>`).
 */
export function ecsTasksTrustPolicy(s: AccountScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EcsTasksOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnLike: { "aws:SourceArn": `arn:${s.partition}:ecs:${s.region}:${s.accountId}:*` },
          StringEquals: { "aws:SourceAccount": s.accountId },
        },
      },
    ],
  };
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@\s]+)(?::[^@\s]+)?(?:@sha256:[0-9a-f]{64})?$/;

/** The ECR repository an image is pulled from, as an ARN, or undefined for other registries. */
export function ecrRepositoryArn(image: string, partition: string): string | undefined {
  const m = ECR_IMAGE.exec(image);
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

export interface ExecutionGrants {
  /** ECR repositories the task's images come from. */
  repositoryArns: string[];
  /** The task's log group ARN (without a trailing `:*`). */
  logGroupArn: string;
  /** Secrets the ECS agent injects natively (`secrets` of a container definition). */
  native: GrantItem[];
}

/**
 * The execution role's policy: pull the task's ECR images, write to the task's log group, and
 * read only the secrets delivered natively. `ecr:GetAuthorizationToken` takes no resource but `*`.
 */
export function executionPolicy(g: ExecutionGrants): PolicyDocument {
  const statements: PolicyStatement[] = [];
  const repos = [...new Set(g.repositoryArns)].sort();
  if (repos.length) {
    statements.push({ Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
    statements.push({
      Sid: "PullTaskImages",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: repos.length === 1 ? repos[0] : repos,
    });
  }
  statements.push({
    Sid: "WriteTaskLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${g.logGroupArn}:log-stream:*`,
  });
  if (g.native.length) {
    statements.push(...policyFor(g.native, false).Statement.map((st) => ({ ...st, Sid: `Native${st.Sid}` })));
  }
  return { Version: "2012-10-17", Statement: statements };
}
