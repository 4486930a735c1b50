import * as pulumi from "@pulumi/pulumi";
import { checkedWhenResolved } from "../../core/checked-input";
import { Problems } from "../../core/problems";
import { unknownFields } from "../../core/unknown-fields";
import { type MountTarget } from "../../core/target";
import { type NormalizedSecret } from "../../core/secret-set";
import type { AksPlatformArgs } from "./args";
import { credentialsOn } from "../../clouds/azure/credential-chain";
import {
  DEFAULT_VAULT_DNS_SUFFIX,
  KEY_VAULT_SECRET_MAX_BYTES,
  MAX_FEDERATED_CREDENTIALS,
  credentialName,
  defaultVaultName,
  identityNameProblem,
  keyVaultSecretNameProblem,
  parseIdentityId,
  parseVaultId,
  resourceGroupProblem,
  subjectOf,
  vaultNameProblem,
  type ParsedId,
} from "../../clouds/azure/ids";
import { refuseOtherStoreOptions } from "../../core/store-options";
import type { AzureSecret } from "../../core/args";

/** How AKS words a secret's options for another store (the rule: core/store-options.ts). */
const AKS_OTHER_STORE_OPTIONS = {
  aws: "holds AWS store options; on AKS use secrets[].azure (or remove it)",
  gcp: "holds Google Secret Manager options; on AKS use secrets[].azure (or remove it)",
};

/** One declared secret, with its Key Vault name validated. */
export interface AzureSecretPlan {
  secret: NormalizedSecret;
  /** Name in the vault. */
  secretName: string;
  /** Pinned version of an existing secret. */
  version?: string;
  maxValueBytes: number;
}

/**
 * The vault: created, existing by name or plain id (known at preview), or existing by an id given
 * as an Output (`id`, checked when it resolves: its name is known only then).
 */
export type VaultPlan =
  | {
      kind: "new";
      name: string;
      resourceGroupName: pulumi.Input<string>;
      publicNetworkAccess: "Enabled" | "Disabled";
      softDeleteRetentionInDays: number;
    }
  | { kind: "existing"; name: string; resourceGroupName: pulumi.Input<string>; subscriptionId?: string }
  | { kind: "existing-id"; id: pulumi.Output<ParsedId> };

/**
 * The identity: created in `resourceGroupName`, or an existing one by its resource id (`parsed`
 * when it is known at preview; otherwise `resolved`, checked when it resolves, and counted against
 * Azure's credential limit then).
 */
export type IdentityPlan =
  | { kind: "new"; name: string; resourceGroupName: pulumi.Input<string> }
  | { kind: "existing"; resourceId: string; parsed: ParsedId }
  | {
      kind: "existing-output";
      resolved: pulumi.Output<ParsedId & { resourceId: string }>;
      inUse: number;
      field: string;
    };

export interface AksPlan {
  secrets: AzureSecretPlan[];
  vault: VaultPlan;
  /** `https://<vault>.<dnsSuffix>` when the vault's name is known at preview (not for an `existing-id` vault). */
  vaultUrl?: string;
  /** The vault URLs' DNS suffix. */
  dnsSuffix: string;
  identity: IdentityPlan;
  roleScope: "secret" | "vault";
  /** The federated credential's name and subject (`system:serviceaccount:<ns>:<sa>`). */
  credential: { name: string; subject: string };
  maxValueBytesOfFile(path: string): number;
}

/** Azure-specific checks of a declaration (names, ids, limits). Pure: throws one DeclarationError with every problem found. */
export function planAks(decl: MountTarget, aks: AksPlatformArgs): AksPlan {
  const problems = new Problems(decl.name);
  const { fail } = problems;
  const check = (problem: string | undefined, field: string) => problem && fail(field, problem);
  unknownFields(
    aks,
    [
      "oidcIssuerUrl",
      "resourceGroupName",
      "location",
      "tenantId",
      "subscriptionId",
      "keyVault",
      "identity",
      "identityName",
      "roleScope",
      "tags",
    ],
    "aks",
    problems,
  );
  const { identity, credential } = planAksIdentity(
    aks,
    "aks.",
    decl.name,
    decl.namespace,
    decl.serviceAccountName,
    problems,
  );
  const roleScope = aks.roleScope ?? "secret";
  if (roleScope !== "secret" && roleScope !== "vault")
    fail(
      "aks.roleScope",
      `is ${JSON.stringify(roleScope)}; use "secret" (one role assignment per secret, the default) or "vault" (the whole vault, opt-in)`,
    );

  const kv = aks.keyVault ?? {};
  unknownFields(
    kv,
    ["id", "name", "existing", "resourceGroupName", "publicNetworkAccess", "softDeleteRetentionInDays", "dnsSuffix"],
    "aks.keyVault",
    problems,
  );
  const dnsSuffix = kv.dnsSuffix ?? DEFAULT_VAULT_DNS_SUFFIX;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(dnsSuffix))
    fail("aks.keyVault.dnsSuffix", `"${dnsSuffix}" is not a DNS suffix such as "${DEFAULT_VAULT_DNS_SUFFIX}"`);
  let vault: VaultPlan;
  const existingVault = kv.id !== undefined || kv.existing === true;
  if (existingVault) {
    for (const f of ["publicNetworkAccess", "softDeleteRetentionInDays"] as const) {
      if (kv[f] !== undefined)
        fail(
          `aks.keyVault.${f}`,
          "configures a vault created here; an existing vault is never changed by this component",
        );
    }
  }
  // Where the identity or the vault is created, and the default group of an existing vault by name.
  const group = (why: string) => {
    if (aks.resourceGroupName === undefined || aks.resourceGroupName === null) {
      fail("aks.resourceGroupName", `is required: the resource group ${why}`);
    }
    return resourceGroupInput(aks.resourceGroupName!, "aks.resourceGroupName", decl.name, problems);
  };
  if (kv.id !== undefined) {
    if (kv.name !== undefined || kv.resourceGroupName !== undefined)
      fail(
        "aks.keyVault.id",
        "names the vault already; remove name and resourceGroupName, or give name + resourceGroupName with existing: true instead",
      );
    const idProblem = (id: string) => {
      const parsed = parseVaultId(id);
      return parsed
        ? vaultNameProblem(parsed.name)
        : `${JSON.stringify(id)} is not a Key Vault resource id (/subscriptions/<subscription id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>)`;
    };
    if (typeof kv.id === "string") {
      check(idProblem(kv.id), "aks.keyVault.id");
      vault = { kind: "existing", ...parseVaultId(kv.id)! };
    } else {
      vault = {
        kind: "existing-id",
        id: checkedWhenResolved(kv.id, idProblem, "aks.keyVault.id", decl.name).apply((id) => parseVaultId(id)!),
      };
    }
  } else if (kv.existing === true) {
    if (kv.name === undefined)
      fail("aks.keyVault.name", "is required with existing: true (or give the vault's resource id as keyVault.id)");
    check(vaultNameProblem(kv.name!), "aks.keyVault.name");
    const rg =
      kv.resourceGroupName !== undefined
        ? resourceGroupInput(kv.resourceGroupName, "aks.keyVault.resourceGroupName", decl.name, problems)
        : group(
            `of the existing vault "${kv.name}" (or set keyVault.resourceGroupName, or give the vault's resource id as keyVault.id)`,
          );
    vault = { kind: "existing", name: kv.name!, resourceGroupName: rg };
  } else {
    if (kv.resourceGroupName !== undefined)
      fail(
        "aks.keyVault.resourceGroupName",
        "is for an existing vault (existing: true); a new vault goes into aks.resourceGroupName",
      );
    const name = kv.name ?? defaultVaultName(pulumi.getProject(), pulumi.getStack(), decl.name);
    check(vaultNameProblem(name), "aks.keyVault.name");
    const access = kv.publicNetworkAccess ?? "enabled";
    if (access !== "enabled" && access !== "disabled")
      fail("aks.keyVault.publicNetworkAccess", `is ${JSON.stringify(access)}; use "enabled" or "disabled"`);
    const retention = kv.softDeleteRetentionInDays ?? 90;
    if (!Number.isInteger(retention) || retention < 7 || retention > 90)
      fail("aks.keyVault.softDeleteRetentionInDays", `is ${JSON.stringify(retention)}; use whole days from 7 to 90`);
    const rg = group(
      "of the Key Vault created here (or use an existing vault: keyVault.id, or keyVault.name with existing: true)",
    );
    vault = {
      kind: "new",
      name,
      resourceGroupName: rg,
      publicNetworkAccess: access === "enabled" ? "Enabled" : "Disabled",
      softDeleteRetentionInDays: retention,
    };
  }

  const inExistingVault = vault.kind !== "new";
  const names = new Map<string, number>();
  // Each secret is checked on its own: a problem in one does not hide those of the others.
  const checked = decl.secrets.map((s) =>
    problems.section((): AzureSecretPlan => {
      const at = `secrets[${s.index}]`;
      const a = refuseOtherStoreOptions(s, "azure", AKS_OTHER_STORE_OPTIONS, fail) as AzureSecret;
      unknownFields(a, ["secretName", "version"], `${at}.azure`, problems);
      let secretName: string;
      let field: string;
      if (s.kind === "existing") {
        if (s.existing!.arn !== undefined)
          fail(`${at}.existing.arn`, "is an AWS ARN; on AKS name the Key Vault secret with existing.name");
        if (s.existing!.kmsKeyArn !== undefined)
          fail(`${at}.existing.kmsKeyArn`, "is for AWS KMS; Key Vault encrypts secrets itself");
        if (a.secretName !== undefined)
          fail(`${at}.azure.secretName`, "names a secret to create; for an existing secret use existing.name");
        secretName = s.existing!.name!;
        field = `${at}.existing.name`;
        if (a.version !== undefined && !/^[0-9a-f]{32}$/i.test(a.version))
          fail(`${at}.azure.version`, `"${a.version}" is not a Key Vault secret version (32 hex characters)`);
      } else {
        if (a.version !== undefined)
          fail(
            `${at}.azure.version`,
            "pins an existing secret; a secret created here is read at the version it creates",
          );
        const prefix = decl.secretNamePrefix ?? decl.name;
        secretName = a.secretName ?? (inExistingVault ? `${prefix}-${s.name}` : s.name);
        field =
          a.secretName !== undefined ? `${at}.azure.secretName` : inExistingVault ? "secretNamePrefix" : `${at}.name`;
      }
      check(keyVaultSecretNameProblem(secretName), field);
      // Key Vault secret names are case-insensitive.
      const prior = names.get(secretName.toLowerCase());
      if (prior !== undefined)
        fail(
          field,
          `"${secretName}" is also the Key Vault name of secrets[${prior}] (names are case-insensitive); declare it once and fan it out with files`,
        );
      names.set(secretName.toLowerCase(), s.index);
      if (s.generate) {
        const j = s.files.findIndex((f) => f.decode === "base64");
        if (j >= 0)
          fail(`${at}.files[${j}].decode`, `a generated ${s.generate.type} is not base64 text; remove decode`);
      }
      if (s.description !== undefined && s.kind === "existing")
        fail(`${at}.description`, "is stored with a created secret; an existing secret is not changed");
      return {
        secret: s,
        secretName,
        version: a.version,
        maxValueBytes: s.generatedMaxBytes ?? KEY_VAULT_SECRET_MAX_BYTES,
      };
    }),
  );
  problems.stopIfAny();
  const secrets = checked as AzureSecretPlan[];

  const maxBytes = new Map<string, number>();
  for (const p of secrets) for (const f of p.secret.files) maxBytes.set(f.path, p.maxValueBytes);
  problems.throwIfAny();
  return {
    secrets,
    vault,
    vaultUrl: vault.kind === "existing-id" ? undefined : `https://${vault.name}.${dnsSuffix}`,
    dnsSuffix,
    identity,
    roleScope,
    credential,
    maxValueBytesOfFile: (path) => maxBytes.get(path) ?? 0,
  };
}

/** The identity fields of AksPlatformArgs, which AksWorkloadIdentityArgs shares. */
export type AksIdentityFields = Pick<
  AksPlatformArgs,
  "oidcIssuerUrl" | "resourceGroupName" | "identity" | "identityName"
>;

/** A resource group name: a plain one checked now, an Output when it resolves. */
export function resourceGroupInput(
  rg: pulumi.Input<string>,
  field: string,
  component: string,
  problems: Problems,
): pulumi.Input<string> {
  const { fail } = problems;
  if (typeof rg === "string") {
    const problem = resourceGroupProblem(rg);
    if (problem) fail(field, problem);
    return rg;
  }
  return checkedWhenResolved(rg, resourceGroupProblem, field, component);
}

const identityIdProblem = (id: string) =>
  parseIdentityId(id)
    ? undefined
    : `${JSON.stringify(id)} is not a user-assigned identity resource id (/subscriptions/<subscription id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)`;

/** Why one more federated credential does not fit on an identity, or undefined. */
export function credentialLimitProblem(name: string, inUse: number, declared: number, at: string): string | undefined {
  if (inUse + declared <= MAX_FEDERATED_CREDENTIALS) return undefined;
  return (
    `would make ${inUse + declared} federated credentials on ${name} (${inUse} in use outside this program, ${declared - 1} declared before this one); ` +
    `Azure allows ${MAX_FEDERATED_CREDENTIALS} per identity: give this ServiceAccount its own identity (omit ${at}identity)`
  );
}

/**
 * Checks the issuer, the resource group and the identity (new, or existing with room for one more
 * federated credential), and names the credential for one ServiceAccount; shared by the workload
 * (`at` = "aks.") and AksWorkloadIdentity (`at` = ""). Pure: an id given as an Output is checked
 * (and counted) when it resolves.
 */
export function planAksIdentity(
  aks: AksIdentityFields,
  at: string,
  component: string,
  namespace: string,
  serviceAccountName: string,
  problems: Problems,
): { identity: IdentityPlan; credential: { name: string; subject: string } } {
  const { fail } = problems;
  const check = (problem: string | undefined, field: string) => problem && fail(field, problem);
  if (aks.oidcIssuerUrl === undefined || aks.oidcIssuerUrl === null) {
    fail(
      `${at}oidcIssuerUrl`,
      "is required: the cluster's OIDC issuer (az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv; enable it with az aks update --enable-oidc-issuer --enable-workload-identity)",
    );
  }
  if (typeof aks.oidcIssuerUrl === "string" && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(aks.oidcIssuerUrl)) {
    fail(
      `${at}oidcIssuerUrl`,
      `"${aks.oidcIssuerUrl}" is not an https issuer URL (https://<region>.oic.prod-aks.azure.com/<tenant>/<id>/)`,
    );
  }
  const rg =
    aks.resourceGroupName === undefined || aks.resourceGroupName === null
      ? undefined
      : resourceGroupInput(aks.resourceGroupName, `${at}resourceGroupName`, component, problems);
  let identity: IdentityPlan;
  if (aks.identity !== undefined) {
    const id = aks.identity;
    unknownFields(
      id,
      ["resourceId", "clientId", "principalId", "federatedCredentialsInUse"],
      `${at}identity`,
      problems,
    );
    if (aks.identityName !== undefined)
      fail(`${at}identityName`, `names an identity to create; remove it when ${at}identity names an existing one`);
    if (id.resourceId === undefined || id.resourceId === null)
      fail(
        `${at}identity.resourceId`,
        "is required: the existing identity's resource id, which its federated credential is created on",
      );
    if (typeof id.resourceId === "string") check(identityIdProblem(id.resourceId), `${at}identity.resourceId`);
    if (id.clientId === undefined)
      fail(`${at}identity.clientId`, "is required: the ServiceAccount names the identity by its client id");
    if (id.principalId === undefined)
      fail(
        `${at}identity.principalId`,
        "is required: the role assignments name the identity by its principal (object) id",
      );
    const inUse = id.federatedCredentialsInUse ?? 0;
    if (!Number.isInteger(inUse) || inUse < 0 || inUse >= MAX_FEDERATED_CREDENTIALS) {
      fail(
        `${at}identity.federatedCredentialsInUse`,
        `is ${JSON.stringify(inUse)}; use a whole number from 0 to ${MAX_FEDERATED_CREDENTIALS - 1} (Azure allows ${MAX_FEDERATED_CREDENTIALS} per identity)`,
      );
    }
    if (typeof id.resourceId === "string") {
      const parsed = parseIdentityId(id.resourceId)!;
      check(credentialLimitProblem(parsed.name, inUse, credentialsOn(id.resourceId) + 1, at), `${at}identity`);
      identity = { kind: "existing", resourceId: id.resourceId, parsed };
    } else {
      const resolved = checkedWhenResolved(
        id.resourceId,
        identityIdProblem,
        `${at}identity.resourceId`,
        component,
      ).apply((v) => ({ resourceId: v, ...parseIdentityId(v)! }));
      identity = { kind: "existing-output", resolved, inUse, field: `${at}identity` };
    }
  } else {
    const name = aks.identityName ?? `${component}-identity`;
    check(
      identityNameProblem(name),
      aks.identityName !== undefined ? `${at}identityName` : "name (the component name, used for the identity name)",
    );
    if (rg === undefined)
      fail(
        `${at}resourceGroupName`,
        `is required: the resource group of the identity created here (or name an existing one with ${at}identity)`,
      );
    identity = { kind: "new", name, resourceGroupName: rg! };
  }

  return {
    identity,
    credential: {
      name: credentialName(namespace, serviceAccountName),
      subject: subjectOf(namespace, serviceAccountName),
    },
  };
}
