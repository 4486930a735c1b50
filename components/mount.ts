import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import { normalizeMount } from "./declarations";
import { prepareMount } from "./platform";
import { fetchSpecConfigMapManifest, serviceAccountManifest } from "./kubernetes/manifests";
import { warnUnpinnedImages } from "./kubernetes/fetch-image";
import { warnPlainValues } from "./values/plain-value";
import { REVISION_ANNOTATION } from "./kubernetes/pod";
import { adoptPodTemplate, podWiring, type Adopted, type AdoptTarget, type PodWiring } from "./kubernetes/adopt";
import { adoptTransform, type AdoptSelection, type TransformContext } from "./kubernetes/adopt-transform";
import type { SecretMountArgs } from "./mount-args";

// Kept off the class: every property of a component becomes an output in the schema, and the
// wiring holds Kubernetes input types no other language could be given.
const contexts = new WeakMap<SecretMount, TransformContext>();

/**
 * The secrets and the cloud identity of one ServiceAccount, for pods declared elsewhere (a Helm
 * chart, a StatefulSet, a Job): it provisions what SecretMountedWorkload does except the workload,
 * and hands out the fetch wiring, as `podWiring` (JSON, every language) and, in TypeScript, as a
 * resource transform (`transform()`) and a pure function (`adopt()`).
 */
export class SecretMount extends pulumi.ComponentResource {
  /** Name of the ServiceAccount the identity trusts. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** Kubernetes namespace of the ServiceAccount and of the adopted workloads. */
  readonly namespace: pulumi.Output<string>;
  /** Where the secrets appear in the mounting containers. */
  readonly mountPath: pulumi.Output<string>;
  /** The FetchSpec (JSON) handed to the fetch container: references only, never values. */
  readonly fetchSpec: pulumi.Output<string>;
  /** Annotations the ServiceAccount must carry for the identity (set on the one created or adopted; listed for one made elsewhere). */
  readonly serviceAccountAnnotations: pulumi.Output<{ [key: string]: string }>;
  /**
   * The fetch wiring as JSON, for programs in any language: `fetchContainer` (first init
   * container), `volumes`, `volumeMount` (read-only, for each mounting container),
   * `podSecurityContext` (`fsGroup` when the pod sets none; on a pod with persistent volumes the
   * kubelet regroups them, see `allowPersistentVolumeGroupChange`), `podLabels`, `podAnnotations` (revision
   * included), `skipContainers` (`annotation` and `separator`: list every container but the fetcher),
   * `serviceAccountName`, `namespace`.
   */
  readonly podWiring: pulumi.Output<string>;
  /** EKS: ARN of the IAM role the fetch container assumes (other platforms: unset). */
  readonly roleArn?: pulumi.Output<string>;
  /** EKS: the role's permission policy (JSON) (other platforms: unset). */
  readonly permissionPolicy?: pulumi.Output<string>;
  /** EKS: the role's trust policy (JSON) (other platforms: unset). */
  readonly trustPolicy?: pulumi.Output<string>;
  /** AKS: client id of the managed identity the fetch container uses (other platforms: unset). */
  readonly identityClientId?: pulumi.Output<string>;
  /** AKS: principal (object) id of that identity (other platforms: unset). */
  readonly identityPrincipalId?: pulumi.Output<string>;
  /** AKS: URI of the Key Vault (other platforms: unset). */
  readonly vaultUri?: pulumi.Output<string>;
  /** AKS: the "Key Vault Secrets User" role assignments as JSON (other platforms: unset). */
  readonly roleAssignments?: pulumi.Output<string>;
  /** AKS: the federated identity credential as JSON (other platforms: unset). */
  readonly federatedCredential?: pulumi.Output<string>;
  /** GKE: every IAM member granted, as JSON `[{ resource, role, member }]` (other platforms: unset). */
  readonly iamMembers?: pulumi.Output<string>;
  /** GKE with identity `google-service-account`: email of the Google service account the pods act as, created or given (otherwise unset). */
  readonly googleServiceAccountEmail?: pulumi.Output<string>;
  /** Vault: the policy granting `read` on exactly the declared secrets, HCL as Vault stores it (no Vault secret: unset). */
  readonly vaultPolicy?: pulumi.Output<string>;
  /** Vault: the Kubernetes auth role as JSON (no Vault secret: unset). */
  readonly vaultRole?: pulumi.Output<string>;

  constructor(name: string, args: SecretMountArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration, as in SecretMountedWorkload.
    const decl = normalizeMount(name, args);
    const { sizeLimit, fetchImage, delivery, provision } = prepareMount(decl, args);
    super("secret-mount:index:SecretMount", name, {}, opts);
    warnUnpinnedImages(this, [{ field: "fetch.image", image: fetchImage }]);
    warnPlainValues(this, decl.secrets);
    const { platform, fetchSpec, outputs } = provision(this);

    const serviceAccount = decl.createServiceAccount
      ? new core.ServiceAccount(`${name}-sa`, serviceAccountManifest(decl, platform.wiring), { parent: this })
      : undefined;
    const specConfigMap =
      delivery === "configmap"
        ? new core.ConfigMap(`${name}-fetch-spec`, fetchSpecConfigMapManifest(decl, fetchSpec), {
            parent: this,
            replaceOnChanges: ["data"],
          })
        : undefined;
    const wiring = podWiring(decl, fetchSpec, platform.wiring, sizeLimit, specConfigMap?.metadata.name);
    contexts.set(this, {
      wiring,
      serviceAccountAnnotations: decl.createServiceAccount ? undefined : platform.wiring.serviceAccountAnnotations,
      ready: [
        ...platform.ready,
        ...(serviceAccount ? [serviceAccount] : []),
        ...(specConfigMap ? [specConfigMap] : []),
      ],
      mountInto: decl.mountInto,
    });

    this.serviceAccountName = serviceAccount ? serviceAccount.metadata.name : pulumi.output(decl.serviceAccountName);
    this.namespace = pulumi.output(decl.namespace);
    this.mountPath = pulumi.output(decl.mountPath);
    this.fetchSpec = fetchSpec;
    this.serviceAccountAnnotations = pulumi.output(platform.wiring.serviceAccountAnnotations) as pulumi.Output<{
      [key: string]: string;
    }>;
    this.podWiring = pulumi.output(wiringDocument(wiring)).apply((doc) => JSON.stringify(doc, null, 2));
    // The platform's own outputs (declared above for Pulumi's schema; see platforms/registry.ts).
    Object.assign(this, outputs);
    this.registerOutputs({
      ...outputs,
      serviceAccountName: this.serviceAccountName,
      namespace: this.namespace,
      mountPath: this.mountPath,
      fetchSpec: this.fetchSpec,
      serviceAccountAnnotations: this.serviceAccountAnnotations,
      podWiring: this.podWiring,
    });
  }

  /**
   * A resource transform adopting the Deployments, StatefulSets, DaemonSets, Jobs and CronJobs
   * annotated `secret-mount.io/mount: <this name>` or named in `selection.names`: give it in the
   * `transforms` of a Helm v4 Chart, a component or a resource, or to
   * `pulumi.runtime.registerResourceTransform` for the whole stack.
   */
  transform(selection?: AdoptSelection): pulumi.ResourceTransform {
    return adoptTransform(contexts.get(this)!, selection);
  }

  /**
   * The pure adoption of one pod template (see adoptPodTemplate), for objects built by hand. For a
   * StatefulSet, give its `volumeClaimTemplates` names in `target` (the transform reads them itself).
   * It sees only this template: the checks across workloads (another workload running as the
   * ServiceAccount, the ServiceAccount's annotations) are the transform's.
   */
  adopt(template: Record<string, any>, target: AdoptTarget): Adopted {
    const ctx = contexts.get(this)!;
    return adoptPodTemplate(template, ctx.wiring, { containers: ctx.mountInto, ...target });
  }
}

/** The wiring as plain JSON for other languages (same content the transform applies). */
function wiringDocument(w: PodWiring) {
  return {
    namespace: w.namespace,
    serviceAccountName: w.serviceAccountName,
    fetchContainer: w.fetchContainer,
    volumes: w.volumes,
    volumeMount: { name: w.volumes[0].name, mountPath: w.mountPath, readOnly: true },
    podSecurityContext: { fsGroup: w.fsGroup, fsGroupChangePolicy: "OnRootMismatch" },
    podLabels: w.podLabels,
    podAnnotations: { ...w.podAnnotations, ...(w.revision !== undefined ? { [REVISION_ANNOTATION]: w.revision } : {}) },
    ...(w.skipContainers ? { skipContainers: w.skipContainers } : {}),
  };
}
