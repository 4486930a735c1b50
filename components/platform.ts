import * as pulumi from "@pulumi/pulumi";
import { buildFetchSpec } from "./core/build-fetch-spec";
import type { Declaration } from "./core/normalize";
import { checkSpecSize, specBytesBound, specDelivery } from "./core/spec-delivery";
import { requiredVolumeBytes, volumeSizeLimit } from "./core/volume-size";
import { revisionOf } from "./core/revision";
import { fetchImageOf } from "./kubernetes/fetch-image";
import type { PlatformPlan, ProvisionedPlatform } from "./core/platform";
import type { SecretSource } from "./spec/fetch-spec";
import type { SecretMountedWorkloadArgs } from "./workload-args";
import { eksPlatform } from "./aws/eks-platform";
import { aksPlatform } from "./azure/aks-platform";
import { gkePlatform } from "./gcp/gke-platform";
import { planVaultStore, type VaultStorePlan } from "./stores/vault/store";

export type { PlatformPlan, PlatformOutputs, ProvisionedPlatform } from "./core/platform";

type StoreArgs = Pick<SecretMountedWorkloadArgs, "eks" | "aks" | "gke" | "vault">;

/**
 * Plans the one platform the declaration chose (normalize checked that exactly one is set, or
 * none when every secret lives in Vault). The only place the core reaches into a cloud folder.
 */
export function planPlatform(decl: Declaration, args: StoreArgs): PlatformPlan | undefined {
  switch (decl.platform) {
    case "eks":
      return eksPlatform(decl, args.eks!);
    case "aks":
      return aksPlatform(decl, args.aks!);
    case "gke":
      return gkePlatform(decl, args.gke!);
    default:
      return undefined;
  }
}

/**
 * The stores of one declaration as one plan: the cloud platform for the secrets in its store, Vault
 * for those declared with `vault`; sources, wiring and readiness merged back in declaration order.
 * Returns the declaration as the FetchSpec sees it too (a created Vault value's files read its key).
 */
export function planStores(decl: Declaration, args: StoreArgs): { plan: PlatformPlan; specDecl: Declaration; vault?: VaultStorePlan } {
  const vault = planVaultStore(decl, args.vault);
  if (!vault) {
    const plan = planPlatform(decl, args)!;
    return { plan, specDecl: decl };
  }
  const inVault = new Set(vault.indexes);
  const cloudDecl: Declaration = { ...decl, secrets: decl.secrets.filter((s) => !inVault.has(s.index)) };
  const cloud = cloudDecl.secrets.length ? planPlatform(cloudDecl, args) : undefined;
  const specDecl: Declaration = { ...decl, secrets: decl.secrets.map((s) => ({ ...s, files: vault.filesOf(s.index) ?? s.files })) };
  const cloudRefs = new Map(cloudDecl.secrets.map((s, j) => [s.index, cloud?.specReferences[j]]));
  const plan: PlatformPlan = {
    maxValueBytesOfFile: (path) => vault.maxValueBytesOfFile(path) ?? cloud!.maxValueBytesOfFile(path),
    specReferences: decl.secrets.map((s) => (inVault.has(s.index) ? vault.specReference(s.index) : cloudRefs.get(s.index))),
    provision(parent, dependsOn) {
      const c: ProvisionedPlatform | undefined = cloud?.provision(parent, dependsOn);
      const v = vault.provision(parent, dependsOn);
      const cloudSources = c ? c.sources : pulumi.output([] as SecretSource[]);
      const sources = cloudSources.apply((cs) => {
        let ci = 0;
        let vi = 0;
        return decl.secrets.map((s) => (inVault.has(s.index) ? v.sources[vi++] : cs[ci++]));
      });
      const w = c?.wiring;
      return {
        sources,
        wiring: {
          serviceAccountAnnotations: w?.serviceAccountAnnotations ?? {},
          podLabels: w?.podLabels ?? {},
          podAnnotations: w?.podAnnotations ?? {},
          ...(w?.skipContainers ? { skipContainers: w.skipContainers } : {}),
          fetchEnv: { ...w?.fetchEnv, ...v.fetchEnv },
          ...(w?.fetchFieldEnv ? { fetchFieldEnv: w.fetchFieldEnv } : {}),
          fetchVolumes: [...(w?.fetchVolumes ?? []), ...v.fetchVolumes],
          // Vault alone: its revision; beside a cloud store: one hash of both.
          revision: w?.revision === undefined ? v.revision : revisionOf(["cloud", "vault"], [w.revision, v.revision]),
        },
        ready: [...(c?.ready ?? []), ...v.ready],
        outputs: {
          ...c?.outputs,
          vaultPolicy: pulumi.output(v.access.policyHcl),
          vaultRole: pulumi.output(JSON.stringify({ ...v.access.role, policyName: v.access.policyName, ...(v.access.namespace ? { namespace: v.access.namespace } : {}) }, null, 2)),
        },
      };
    },
  };
  return { plan, specDecl, vault };
}

/**
 * What SecretMountedWorkload and SecretMount decide before registering anything (the stores' plan,
 * the volume's size limit, the fetch image, how the FetchSpec travels), and, once the component
 * exists, the stores' resources and the FetchSpec built from their sources. `dependsOn` of
 * `provision`: what namespaced objects of the stores wait for (a namespace the component creates).
 */
export function prepareMount(decl: Declaration, args: StoreArgs) {
  const { plan, specDecl } = planStores(decl, args);
  const sizeLimit = volumeSizeLimit(decl, requiredVolumeBytes(specDecl, plan.maxValueBytesOfFile));
  const fetchImage = fetchImageOf(decl);
  const delivery = specDelivery(specDecl, specBytesBound(specDecl, plan.specReferences));
  const provision = (parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []) => {
    const platform = plan.provision(parent, dependsOn);
    const fetchSpec = platform.sources.apply((sources) => checkSpecSize(specDecl, delivery, JSON.stringify(buildFetchSpec(specDecl, sources))));
    return { platform, fetchSpec };
  };
  return { sizeLimit, fetchImage, delivery, provision };
}
