import * as pulumi from "@pulumi/pulumi";
import { buildFetchSpec } from "./core/build-fetch-spec";
import type { MountTarget } from "./core/target";
import { checkSpecSize, specBytesBound, specDelivery } from "./core/spec-delivery";
import { requiredVolumeBytes, volumeSizeLimit } from "./core/volume-size";
import { revisionOf } from "./core/revision";
import { fetchImageOf } from "./kubernetes/fetch-image";
import type { PlatformWiring } from "./kubernetes/pod";
import type { SecretSource } from "../spec/fetch-spec";
import type { PlatformPlan, ProvisionedPlatform } from "./platforms/platform";
import {
  PLATFORM_OUTPUTS,
  PLATFORMS,
  type Platform,
  type PlatformArgs,
  type PlatformOutputs,
} from "./platforms/registry";
import type { VaultBackendArgs } from "./stores/vault/args";
import { planVaultStore, type VaultOutputs, type VaultStorePlan } from "./stores/vault/store";

export type { PlatformPlan, ProvisionedPlatform } from "./platforms/platform";
export type { PlatformOutputs } from "./platforms/registry";

/** What a component's args give the stores: its platform (one of the registry's) and, for the secrets in Vault, `vault`. */
export type StoreArgs = PlatformArgs & { vault?: VaultBackendArgs };

/** Plans the one platform the declaration chose (normalize checked that exactly one is set), through the registry. */
export function planPlatform(target: MountTarget, args: PlatformArgs): PlatformPlan {
  const platform = target.platform as Platform;
  return PLATFORMS[platform].plan(target, args[platform] as never);
}

/** Every platform output, set for the chosen platform and undefined for the others (as the components register them). */
export function platformOutputs(provisioned: ProvisionedPlatform | undefined): PlatformOutputs {
  return Object.fromEntries(PLATFORM_OUTPUTS.map((k) => [k, provisioned?.outputs[k]])) as PlatformOutputs;
}

/** The stores of a declaration, provisioned: what the pod wiring and the components need. */
export interface ProvisionedStores {
  /** Each declared secret's FetchSpec source, in declaration order. */
  sources: pulumi.Output<SecretSource[]>;
  wiring: PlatformWiring;
  ready: pulumi.Resource[];
  /** Every platform output (the chosen platform's set) and Vault's. */
  outputs: PlatformOutputs & Partial<VaultOutputs>;
}

/**
 * The stores of one declaration: the platform (through the registry) for the secrets in its cloud
 * store, Vault for those declared with `vault`; sources, wiring and readiness merged back in
 * declaration order. Returns the declaration as the FetchSpec sees it too (a created Vault value's
 * files read its `value` key).
 */
export function planStores<T extends MountTarget>(
  target: T,
  args: StoreArgs,
): {
  specTarget: T;
  maxValueBytesOfFile(path: string): number;
  specReferences: (string | undefined)[];
  provision(parent: pulumi.Resource, dependsOn?: pulumi.Resource[]): ProvisionedStores;
  vault?: VaultStorePlan;
} {
  const vault = planVaultStore(target, args.vault);
  const inVault = new Set(vault?.indexes ?? []);
  const cloudTarget: T = vault ? { ...target, secrets: target.secrets.filter((s) => !inVault.has(s.index)) } : target;
  const cloud =
    target.platform !== undefined && cloudTarget.secrets.length ? planPlatform(cloudTarget, args) : undefined;
  const specTarget: T = vault
    ? { ...target, secrets: target.secrets.map((s) => ({ ...s, files: vault.filesOf(s.index) ?? s.files })) }
    : target;
  const cloudRefs = new Map(cloudTarget.secrets.map((s, j) => [s.index, cloud?.specReferences[j]]));
  return {
    specTarget,
    vault,
    maxValueBytesOfFile: (path) => vault?.maxValueBytesOfFile(path) ?? cloud!.maxValueBytesOfFile(path),
    specReferences: target.secrets.map((s) =>
      inVault.has(s.index) ? vault!.specReference(s.index) : cloudRefs.get(s.index),
    ),
    provision(parent, dependsOn = []) {
      const c = cloud?.provision(parent);
      if (!vault)
        return {
          sources: c!.sources,
          wiring: c!.wiring,
          ready: c!.ready,
          outputs: { ...platformOutputs(c), vaultPolicy: undefined, vaultRole: undefined },
        };
      const v = vault.provision(parent, dependsOn);
      const cloudSources = c ? c.sources : pulumi.output([] as SecretSource[]);
      const sources = cloudSources.apply((cs) => {
        let ci = 0;
        let vi = 0;
        return target.secrets.map((s) => (inVault.has(s.index) ? v.sources[vi++] : cs[ci++]));
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
        outputs: { ...platformOutputs(c), ...v.outputs },
      };
    },
  };
}

/**
 * What SecretMountedWorkload and SecretMount decide before registering anything (the stores' plan,
 * the volume's size limit, the fetch image, how the FetchSpec travels), and, once the component
 * exists, the stores' resources and the FetchSpec built from their sources. `dependsOn` of
 * `provision`: what namespaced objects of the stores wait for (a namespace the component creates).
 */
export function prepareMount(target: MountTarget, args: StoreArgs) {
  const stores = planStores(target, args);
  const spec = stores.specTarget;
  const sizeLimit = volumeSizeLimit(target, requiredVolumeBytes(spec, stores.maxValueBytesOfFile));
  const fetchImage = fetchImageOf(target);
  const delivery = specDelivery(spec, specBytesBound(spec, stores.specReferences));
  const provision = (parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []) => {
    const platform = stores.provision(parent, dependsOn);
    const fetchSpec = platform.sources.apply((sources) =>
      checkSpecSize(spec, delivery, JSON.stringify(buildFetchSpec(spec, sources))),
    );
    return { platform, fetchSpec, outputs: platform.outputs };
  };
  return { sizeLimit, fetchImage, delivery, provision };
}
