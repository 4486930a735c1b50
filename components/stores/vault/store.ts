import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../../core/declaration-error";
import type { NormalizedFile, SecretSetDeclaration } from "../../core/secret-set";
import type { VaultBackendArgs } from "./args";
import { vaultSource } from "./fetch-sources";
import { MAX_KV_BYTES, normalizeVault, type VaultDeclaration } from "./normalize";
import { provisionVault, type ProvisionedVault } from "./provision";
import { vaultSdk } from "./sdk";

/** The component outputs of the Vault store (unset when no secret lives in Vault). */
export interface VaultOutputs {
  /** The policy granting read on the declared secrets, HCL as Vault stores it (created, or what a policy managed elsewhere must grant). */
  vaultPolicy: pulumi.Output<string>;
  /** The Kubernetes auth role (bound ServiceAccount and namespace, audience, token TTL, policies), as JSON. */
  vaultRole: pulumi.Output<string>;
}

/** The names of {@link VaultOutputs}, which SecretMountedWorkload and SecretMount declare. */
export const VAULT_OUTPUTS: readonly (keyof VaultOutputs)[] = ["vaultPolicy", "vaultRole"];

/** Vault as a store of the declaration's secrets: its checks done, its resources to come. */
export interface VaultStorePlan {
  declaration: VaultDeclaration;
  /** The declared index (`secrets[i]`) of each Vault secret, in order. */
  indexes: number[];
  /** The files the FetchSpec writes for a Vault secret (a created value's files read its `value` key), by declared index. */
  filesOf(index: number): NormalizedFile[] | undefined;
  /** The largest value a Vault file can hold, or undefined when the path is not a Vault secret's. */
  maxValueBytesOfFile(path: string): number | undefined;
  /** The FetchSpec source's JSON of each Vault secret, by declared index, to bound the spec's size. */
  specReference(index: number): string | undefined;
  /** Creates the Vault side under `parent`; `dependsOn`: what namespaced objects wait for (a created namespace). */
  provision(parent: pulumi.Resource, dependsOn?: pulumi.Resource[]): ProvisionedVault & { outputs: VaultOutputs };
}

/**
 * Plans the Vault side of a declaration (undefined when no secret lives in Vault). Every check runs
 * here, before anything is registered; a missing `@pulumi/vault` is refused now too.
 */
export function planVaultStore(
  decl: SecretSetDeclaration & { namespace: string; serviceAccountName: string },
  args: VaultBackendArgs | undefined,
): VaultStorePlan | undefined {
  const fail = (field: string, problem: string): never => {
    throw new DeclarationError(field, problem, decl.name);
  };
  const d = normalizeVault(
    { ...decl, defaultPrefix: `${pulumi.getProject()}/${pulumi.getStack()}/${decl.name}` },
    args,
    fail,
  );
  if (!d) return undefined;
  vaultSdk(decl.name);
  const byIndex = new Map(d.secrets.map((s) => [s.secret.index, s]));
  const maxByPath = new Map<string, number>();
  for (const s of d.secrets) {
    const g = s.secret.generatedMaxBytes;
    for (const f of s.files) maxByPath.set(f.path, g !== undefined && s.shape === "wrapped" ? g : MAX_KV_BYTES);
  }
  return {
    declaration: d,
    indexes: d.secrets.map((s) => s.secret.index),
    filesOf: (i) => byIndex.get(i)?.files,
    maxValueBytesOfFile: (path) => maxByPath.get(path),
    specReference: (i) => {
      const s = byIndex.get(i);
      return s && JSON.stringify(vaultSource(d, s));
    },
    provision: (parent, dependsOn) => {
      const v = provisionVault(parent, d, args!, dependsOn);
      const role = {
        ...v.access.role,
        policyName: v.access.policyName,
        ...(v.access.namespace ? { namespace: v.access.namespace } : {}),
      };
      return {
        ...v,
        outputs: {
          vaultPolicy: pulumi.output(v.access.policyHcl),
          vaultRole: pulumi.output(JSON.stringify(role, null, 2)),
        },
      };
    },
  };
}
