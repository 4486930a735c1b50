import * as pulumi from "@pulumi/pulumi";
import { checkEcsSpecBound, provisionEcsTask } from "./provision";
import { planEcsTask } from "./plan";
import { fetchImageOf, warnUnpinnedImages } from "../../kubernetes/fetch-image";
import { warnPlainValues } from "../../values/plain-value";
import type { SecretMountedTaskArgs } from "./task-args";

/**
 * An ECS task and its secrets, the safe way: the secrets, a task role that may read exactly them,
 * an execution role that only pulls images and writes logs, and a task definition whose fetch
 * container writes the secrets into a volume the app containers mount read-only, starting the
 * apps only after it exited 0.
 */
export class SecretMountedTask extends pulumi.ComponentResource {
  /** ARN of the task definition (with its revision). */
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** The task definition family. */
  readonly family: pulumi.Output<string>;
  /** ARN of the task role (the fetch container reads the secrets with it). */
  readonly taskRoleArn: pulumi.Output<string>;
  /** ARN of the execution role (image pulls, logs, natively injected secrets). */
  readonly executionRoleArn: pulumi.Output<string>;
  /** The CloudWatch log group of every container of the task. */
  readonly logGroupName: pulumi.Output<string>;
  /** Name of the ECS Service, or "" when no `service` was declared. */
  readonly serviceName: pulumi.Output<string>;
  /** Where the secrets appear in every app container. */
  readonly mountPath: pulumi.Output<string>;
  /**
   * The FetchSpec (JSON) handed to the fetch container: references only, never values. Its `dir` is
   * the fetch container's own mount of the volume, `/secret-mount` (the fetch image's VOLUME).
   */
  readonly fetchSpec: pulumi.Output<string>;
  /** The task definition's container definitions (JSON). */
  readonly containerDefinitions: pulumi.Output<string>;
  /** The task role's permission policy (JSON): the union of the policies attached to it. */
  readonly taskRolePolicy: pulumi.Output<string>;
  /** The task role's trust policy (JSON). */
  readonly taskRoleTrustPolicy: pulumi.Output<string>;
  /** The execution role's permission policy (JSON). */
  readonly executionRolePolicy: pulumi.Output<string>;
  /** The execution role's trust policy (JSON). */
  readonly executionRoleTrustPolicy: pulumi.Output<string>;

  constructor(name: string, args: SecretMountedTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const decl = planEcsTask(name, args);
    checkEcsSpecBound(decl);
    const fetchImage = fetchImageOf(decl.all);
    super("secret-mount:index:SecretMountedTask", name, {}, opts);
    warnUnpinnedImages(this, [
      { field: "fetch.image", image: fetchImage },
      ...decl.containers.map((c) => ({ field: `${c.field}.image`, image: c.image })),
    ]);
    warnPlainValues(this, decl.all.secrets);
    const p = provisionEcsTask(this, decl, fetchImage);

    this.taskDefinitionArn = p.taskDefinition.arn;
    this.family = p.taskDefinition.family;
    this.taskRoleArn = p.taskRole.arn;
    this.executionRoleArn = p.executionRole.arn;
    this.logGroupName = p.logGroup.name;
    this.serviceName = p.service ? p.service.name : pulumi.output("");
    this.mountPath = pulumi.output(decl.all.mountPath);
    this.fetchSpec = p.fetchSpec;
    this.containerDefinitions = p.containerDefinitions;
    this.taskRolePolicy = p.taskRolePolicy;
    this.taskRoleTrustPolicy = p.taskRoleTrustPolicy;
    this.executionRolePolicy = p.executionRolePolicy;
    this.executionRoleTrustPolicy = p.executionRoleTrustPolicy;
    this.registerOutputs({
      taskDefinitionArn: this.taskDefinitionArn,
      family: this.family,
      taskRoleArn: this.taskRoleArn,
      executionRoleArn: this.executionRoleArn,
      logGroupName: this.logGroupName,
      serviceName: this.serviceName,
      mountPath: this.mountPath,
      fetchSpec: this.fetchSpec,
      containerDefinitions: this.containerDefinitions,
      taskRolePolicy: this.taskRolePolicy,
      taskRoleTrustPolicy: this.taskRoleTrustPolicy,
      executionRolePolicy: this.executionRolePolicy,
      executionRoleTrustPolicy: this.executionRoleTrustPolicy,
    });
  }
}
