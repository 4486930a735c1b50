import * as pulumi from "@pulumi/pulumi";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import { DeclarationError } from "../../core/declaration-error";
import { secretValue } from "../../values/secret-value";
import { ACCESSOR_ROLE, kmsKeyProblem, secretName, type SecretRef } from "../../clouds/gcp/names";
import type { GcpSecretPlan } from "./plan";
import { gcp } from "../../clouds/gcp/sdk";

/** A declared secret, created or referenced, as the grants and the FetchSpec need it. */
export interface ProvisionedGcpSecret {
  plan: GcpSecretPlan;
  /** The secret's full name once known: `projects/<p>/[locations/<l>/]secrets/<s>`. */
  ref: pulumi.Output<SecretRef>;
  /** The SecretVersion holding a created secret's value. */
  version?: pulumi.Resource;
  /** What identifies the value the pods must read (a version number, never the value). */
  versionId: pulumi.Output<string>;
}

/** Creates (or references) one secret in Secret Manager: global or regional. */
export function provisionGcpSecret(
  parent: pulumi.Resource,
  name: string,
  plan: GcpSecretPlan,
  project: () => pulumi.Output<string>,
  labels: { [key: string]: string },
): ProvisionedGcpSecret {
  const s = plan.secret;
  const opts = { parent };
  if (plan.existing) {
    // A short id lives in the declared project (gke.project, or the provider's).
    const existing = plan.existing;
    const ref =
      existing.project !== undefined
        ? pulumi.output<SecretRef>({ ...existing, project: existing.project })
        : project().apply((p): SecretRef => ({ ...existing, project: p }));
    return { plan, ref, versionId: pulumi.output(plan.version) };
  }
  const { secretmanager } = gcp(name);
  const base = `${name}-${s.name}`;
  const proj = project();
  const value = pulumi.secret(secretValue(parent, base, s));
  const field = `secrets[${s.index}].gcp.kmsKeyName`;
  // A key given as an Output is checked when it resolves, before the secret is registered with it.
  const key = (k: pulumi.Input<string> | undefined, location: string, f: string) =>
    k === undefined
      ? undefined
      : pulumi.output(k).apply((v) => {
          const problem = kmsKeyProblem(v, location);
          if (problem) throw new DeclarationError(f, `${problem} (checked when the value resolved)`, name);
          return v;
        });
  const annotations = { "secret-mount/component": name, "secret-mount/secret": s.name };
  // A new value replaces the SecretVersion resource, whose default deletion policy destroys the
  // version it held; a rotating secret abandons it instead, so the replaced version stays enabled
  // and readable (by its number) while pods move (superseded versions then accumulate; docs/rotation.md).
  const keepReplaced = s.generate?.rotateEveryDays !== undefined ? { deletionPolicy: "ABANDON" } : {};
  let version: secretmanager.SecretVersion | secretmanager.RegionalSecretVersion;
  if (plan.location) {
    const kms = key(plan.kmsKeyName, plan.location, field);
    const secret = new secretmanager.RegionalSecret(
      base,
      {
        project: proj,
        location: plan.location,
        secretId: plan.secretId!,
        labels,
        annotations,
        ...(kms ? { customerManagedEncryption: { kmsKeyName: kms } } : {}),
      },
      opts,
    );
    version = new secretmanager.RegionalSecretVersion(
      `${base}-value`,
      { secret: secret.id, secretData: value, ...keepReplaced },
      opts,
    );
  } else {
    const replication = plan.replicas
      ? {
          userManaged: {
            replicas: plan.replicas.map((r, j) => {
              const kms = key(r.kmsKeyName, r.location, `secrets[${s.index}].gcp.replicas[${j}].kmsKeyName`);
              return { location: r.location, ...(kms ? { customerManagedEncryption: { kmsKeyName: kms } } : {}) };
            }),
          },
        }
      : {
          auto:
            plan.kmsKeyName === undefined
              ? {}
              : { customerManagedEncryption: { kmsKeyName: key(plan.kmsKeyName, "global", field)! } },
        };
    const secret = new secretmanager.Secret(
      base,
      { project: proj, secretId: plan.secretId!, replication, labels, annotations },
      opts,
    );
    version = new secretmanager.SecretVersion(
      `${base}-value`,
      { secret: secret.id, secretData: value, ...keepReplaced },
      opts,
    );
  }
  const ref = proj.apply((p): SecretRef => ({
    project: p,
    ...(plan.location ? { location: plan.location } : {}),
    secretId: plan.secretId!,
  }));
  return { plan, ref, version, versionId: version.version.apply((v) => String(v ?? "")) };
}

/**
 * The additive grant of the accessor role on exactly one secret (never a project-level or
 * authoritative binding, which would drop grants made elsewhere).
 */
export function grantAccessor(
  parent: pulumi.Resource,
  resourceName: string,
  secret: ProvisionedGcpSecret,
  member: pulumi.Input<string>,
  dependsOn: pulumi.Resource[],
): pulumi.Resource {
  const { secretmanager } = gcp();
  const opts = { parent, dependsOn };
  const r = secret.ref;
  if (secret.plan.location) {
    return new secretmanager.RegionalSecretIamMember(
      resourceName,
      {
        project: r.project,
        location: r.apply((x) => x.location!),
        secretId: r.apply((x) => secretName(x)),
        role: ACCESSOR_ROLE,
        member,
      },
      opts,
    );
  }
  return new secretmanager.SecretIamMember(
    resourceName,
    { project: r.project, secretId: r.apply((x) => secretName(x)), role: ACCESSOR_ROLE, member },
    opts,
  );
}
