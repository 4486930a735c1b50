import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as ssm from "@pulumi/aws/ssm";
import type { SecretSource } from "../../../spec/fetch-spec";
import { secretValue } from "../../values/secret-value";
import {
  kmsKeyArnProblem,
  parameterArn,
  regionOfArn,
  secretArnPattern,
  storeArnProblem,
  viaService,
  type Scope,
} from "../../clouds/aws/arns";
import { checkedWhenResolved } from "../../core/checked-input";
import type { AwsSecretPlan } from "./plan";
import type { KmsGrant } from "../../clouds/aws/policies";

/** A declared secret, created or referenced, as the role policy and the FetchSpec need it. */
export interface ProvisionedSecret {
  plan: AwsSecretPlan;
  /** The ARN the role may read (exact, or `name-??????` for an existing secret given by name). */
  policyArn: pulumi.Output<string>;
  source: pulumi.Output<SecretSource>;
  kms?: pulumi.Output<KmsGrant>;
  /** The resource holding the value of a created secret (SecretVersion, or the Parameter itself). */
  version?: pulumi.Resource;
  /** What identifies the value the pod must read: a version id, never the value. */
  versionId: pulumi.Output<string>;
}

/** Creates (or references) one secret in Secrets Manager or SSM. */
export function provisionAwsSecret(
  parent: pulumi.Resource,
  name: string,
  plan: AwsSecretPlan,
  scope: pulumi.Output<Scope>,
  tags: { [key: string]: pulumi.Input<string> },
): ProvisionedSecret {
  const s = plan.secret;
  const base = `${name}-${s.name}`;
  let arn: pulumi.Output<string>;
  let policyArn: pulumi.Output<string>;
  let version: pulumi.Resource | undefined;
  // Existing secrets are read at AWSCURRENT (the latest parameter version): nothing pins them here.
  let versionId: pulumi.Output<string> = pulumi.output(s.kind === "existing" ? "current" : "");

  if (s.kind === "existing") {
    if (s.existing!.arn !== undefined) {
      arn = checkedWhenResolved(
        s.existing!.arn,
        (a) => storeArnProblem(a, plan.store),
        `secrets[${s.index}].existing.arn`,
        name,
      );
      policyArn = arn;
    } else {
      const n = s.existing!.name!;
      arn = scope.apply((sc) => (plan.store === "secrets-manager" ? secretArnPattern(sc, n) : parameterArn(sc, n)));
      policyArn = arn;
    }
  } else {
    const value = pulumi.secret(secretValue(parent, base, s));
    if (plan.store === "secrets-manager") {
      const secret = new secretsmanager.Secret(
        base,
        {
          name: plan.storeName,
          description: s.description ?? `secret-mount: ${s.name} of ${name}`,
          kmsKeyId: plan.kmsKeyArn,
          recoveryWindowInDays: plan.recoveryWindowInDays,
          tags,
        },
        { parent },
      );
      const sv = new secretsmanager.SecretVersion(
        `${base}-value`,
        { secretId: secret.id, secretString: value },
        { parent },
      );
      version = sv;
      versionId = sv.versionId;
      arn = secret.arn;
    } else {
      const parameter = new ssm.Parameter(
        base,
        {
          name: plan.storeName,
          type: "SecureString",
          tier: "Intelligent-Tiering",
          value,
          keyId: plan.kmsKeyArn,
          description: s.description ?? `secret-mount: ${s.name} of ${name}`,
          tags,
        },
        { parent },
      );
      version = parameter;
      versionId = parameter.version.apply((v) => String(v));
      arn = parameter.arn;
    }
    policyArn = arn;
  }

  const source: pulumi.Output<SecretSource> = pulumi.all([arn, scope]).apply(([a, sc]): SecretSource => {
    const region = regionOfArn(a) ?? sc.region;
    if (plan.store === "secrets-manager") {
      // An existing secret given by name is fetched by name: its ARN suffix is unknown here.
      const secretId = s.kind === "existing" && s.existing!.name !== undefined ? s.existing!.name : a;
      return { type: "aws-secretsmanager", secretId, region } satisfies SecretSource;
    }
    // An existing parameter given by ARN is requested by that ARN: a parameter shared from
    // another account can only be read by its full ARN.
    const paramName = s.kind === "existing" ? (s.existing!.name ?? a) : plan.storeName!;
    return { type: "aws-ssm", name: paramName, region } satisfies SecretSource;
  });

  let kms: pulumi.Output<KmsGrant> | undefined;
  if (plan.kmsKeyArn !== undefined) {
    const field =
      s.kind === "existing" ? `secrets[${s.index}].existing.kmsKeyArn` : `secrets[${s.index}].aws.kmsKeyArn`;
    const keyArnChecked = checkedWhenResolved(plan.kmsKeyArn, kmsKeyArnProblem, field, name);
    kms = pulumi.all([keyArnChecked, arn, scope]).apply(([keyArn, a, sc]) => ({
      keyArn,
      viaServices: [viaService(plan.store, regionOfArn(a) ?? sc.region, sc.dnsSuffix)],
    }));
  }
  return { plan, policyArn, source, kms, version, versionId };
}
