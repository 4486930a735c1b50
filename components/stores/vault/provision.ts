import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import { DeclarationError } from "../../core/declaration-error";
import { revisionOf } from "../../core/revision";
import type { VaultKvSource } from "../../../spec/fetch-spec";
import { secretValue } from "../../values/secret-value";
import { vaultAccessPlan, type VaultAccessPlan } from "./access-plan";
import type { VaultBackendArgs } from "./args";
import { vaultSource, vaultVersionId } from "./fetch-sources";
import { VALUE_KEY, type VaultDeclaration, type VaultSecretPlan } from "./normalize";
import { VAULT_CA_KEY, vaultPodWiring, type FetchVolume } from "./pod-wiring";
import { vaultSdk } from "./sdk";

/** What the Vault side hands the pod wiring and the component. */
export interface ProvisionedVault {
  /** Each Vault secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: VaultKvSource[];
  fetchEnv: { [name: string]: string };
  fetchVolumes: FetchVolume[];
  /** A hash of the Vault secrets' versions (never of values): a new KV version rolls the pods. */
  revision: pulumi.Output<string>;
  /** The policy, the role, the secrets and the CA ConfigMap: what must exist before pods start. */
  ready: pulumi.Resource[];
  /** The access plan as reviewable JSON: the policy (HCL) and the role, created or to be granted elsewhere. */
  access: VaultAccessPlan;
}

/**
 * Creates the Vault side of one declaration: the KV version 2 secrets declared with a value or
 * `generate`, the policy granting `read` on exactly the declared data paths, and the Kubernetes
 * auth role bound to exactly the workload's ServiceAccount; and, when a CA is given, the ConfigMap
 * the fetch container reads it from. Nothing is created for a role or policy managed elsewhere.
 */
export function provisionVault(
  parent: pulumi.Resource,
  d: VaultDeclaration,
  args: VaultBackendArgs,
  dependsOn: pulumi.Resource[] = [],
): ProvisionedVault {
  const name = d.component;
  const sdk = vaultSdk(name);
  const opts = { parent };
  const ns = d.namespace !== undefined ? { namespace: d.namespace } : {};
  const access = vaultAccessPlan(d);

  const ready: pulumi.Resource[] = [];
  const versionIds: pulumi.Output<string>[] = [];
  for (const s of d.secrets) {
    if (s.secret.kind === "existing") {
      versionIds.push(pulumi.output(vaultVersionId(s)));
      continue;
    }
    const base = `${name}-${s.secret.name}`;
    const secret = new sdk.kv.SecretV2(
      base,
      {
        mount: s.mount,
        name: s.path,
        dataJson: pulumi.secret(kvData(name, s, secretValue(parent, base, s.secret))),
        ...ns,
      },
      opts,
    );
    ready.push(secret);
    versionIds.push(secret.metadata.apply((m) => vaultVersionId(s, m?.version === undefined ? "" : String(m.version))));
  }

  let policy: pulumi.Resource | undefined;
  if (!access.policyExisting) {
    policy = new sdk.policy.Policy(
      `${name}-vault-policy`,
      { name: access.policyName, policy: access.policyHcl, ...ns },
      opts,
    );
    ready.push(policy);
  }
  if (!access.role.existing) {
    const r = access.role;
    ready.push(
      new sdk.kubernetes.AuthBackendRole(
        `${name}-vault-role`,
        {
          backend: r.authMount,
          roleName: r.name,
          boundServiceAccountNames: r.boundServiceAccountNames,
          boundServiceAccountNamespaces: r.boundServiceAccountNamespaces,
          audience: r.audience,
          tokenTtl: r.tokenTtl,
          tokenMaxTtl: r.tokenMaxTtl,
          tokenPolicies: r.tokenPolicies,
          tokenNoDefaultPolicy: r.tokenNoDefaultPolicy,
          ...ns,
        },
        { parent, dependsOn: policy ? [policy] : [] },
      ),
    );
  }

  let caConfigMap: pulumi.Output<string> | undefined;
  if (d.hasCaCertificate) {
    const cm = new core.ConfigMap(
      `${name}-vault-ca`,
      {
        metadata: {
          namespace: d.serviceAccount.namespace,
          labels: { "app.kubernetes.io/managed-by": "secret-mount", "app.kubernetes.io/instance": name },
        },
        data: { [VAULT_CA_KEY]: args.caCertificate! },
      },
      { parent, dependsOn },
    );
    ready.push(cm);
    caConfigMap = cm.metadata.name;
  }
  const { fetchEnv, fetchVolumes } = vaultPodWiring(d, caConfigMap);
  return {
    sources: d.secrets.map((s) => vaultSource(d, s)),
    fetchEnv,
    fetchVolumes,
    revision: revisionOf(
      d.secrets.map((s) => s.secret.name),
      versionIds,
    ),
    ready,
    access,
  };
}

/**
 * The KV data of a created secret, as JSON: `{"value": …}` for a `wrapped` one; for an `object`
 * one the value itself, which must be a JSON object (checked when it resolves; the message never
 * holds the value).
 */
export function kvData(component: string, s: VaultSecretPlan, value: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(value).apply((v) => {
    if (s.shape === "wrapped") return JSON.stringify({ [VALUE_KEY]: v });
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new DeclarationError(
        `secrets[${s.secret.index}].value`,
        "is not a JSON object, but its files pick keys with jsonKey: Vault stores the object's keys as the secret's data; give a JSON object value, or drop jsonKey to store the value under \"value\" (checked when the value resolved)",
        component,
      );
    }
    return JSON.stringify(parsed);
  });
}
