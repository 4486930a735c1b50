import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as batch from "@pulumi/kubernetes/batch/v1";
import { normalizeWorkloadShape } from "./core/workload-kind";
import { normalizeDeclaration } from "./declarations";
import { prepareMount } from "./platform";
import {
  workloadManifest,
  fetchSpecConfigMapManifest,
  namespaceManifest,
  serviceAccountManifest,
} from "./kubernetes/manifests";
import { checkPodRestricted, selectorLabels } from "./kubernetes/pod";
import { warnUnpinnedImages } from "./kubernetes/fetch-image";
import { warnPlainValues } from "./values/plain-value";
import type { SecretMountedWorkloadArgs } from "./workload-args";

/**
 * A workload and its secrets, the safe way: the secrets, the cloud identity that may read exactly
 * them, the ServiceAccount, and a Deployment whose fetch init container writes the secrets into a
 * memory-backed volume the app mounts read-only.
 */
export class SecretMountedWorkload extends pulumi.ComponentResource {
  /** EKS: ARN of the IAM role the fetch container assumes (other platforms: unset). */
  readonly roleArn?: pulumi.Output<string>;
  /** Name of the ServiceAccount the pods run as. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** Name of the workload object, whatever its `kind` (Deployment, StatefulSet, Job or CronJob). */
  readonly workloadName: pulumi.Output<string>;
  /**
   * Deprecated alias of `workloadName`, from when the workload was always a Deployment.
   * @deprecated Use `workloadName`: the object is a StatefulSet, Job or CronJob when `kind` says so.
   */
  readonly deploymentName: pulumi.Output<string>;
  /**
   * The labels that select the workload's pods (`app.kubernetes.io/name`, `app.kubernetes.io/instance`):
   * a Service's `selector`, a PodDisruptionBudget's or a NetworkPolicy's `matchLabels`.
   */
  readonly selectorLabels: pulumi.Output<{ [key: string]: string }>;
  /** Kubernetes namespace of the ServiceAccount and the Deployment. */
  readonly namespace: pulumi.Output<string>;
  /** Where the secrets appear in every container. */
  readonly mountPath: pulumi.Output<string>;
  /** The FetchSpec (JSON) handed to the fetch container: references only, never values. */
  readonly fetchSpec: pulumi.Output<string>;
  /** EKS: the role's permission policy (JSON) (other platforms: unset). */
  readonly permissionPolicy?: pulumi.Output<string>;
  /** EKS: the role's trust policy (JSON) (other platforms: unset). */
  readonly trustPolicy?: pulumi.Output<string>;
  /** AKS: client id of the managed identity the fetch container uses (other platforms: unset). */
  readonly identityClientId?: pulumi.Output<string>;
  /** AKS: principal (object) id of that identity, which the role assignments name (other platforms: unset). */
  readonly identityPrincipalId?: pulumi.Output<string>;
  /** AKS: URI of the Key Vault (other platforms: unset). */
  readonly vaultUri?: pulumi.Output<string>;
  /** AKS: the "Key Vault Secrets User" role assignments (scope, role, principal) as JSON (other platforms: unset). */
  readonly roleAssignments?: pulumi.Output<string>;
  /** AKS: the federated identity credential (identity, issuer, subject, audiences) as JSON (other platforms: unset). */
  readonly federatedCredential?: pulumi.Output<string>;
  /**
   * GKE: every IAM member granted, as JSON `[{ resource, role, member }]`: the accessor role on each
   * secret, and with a Google service account its `roles/iam.workloadIdentityUser` (other platforms: unset).
   */
  readonly iamMembers?: pulumi.Output<string>;
  /** GKE with identity `google-service-account`: email of the Google service account the pods act as, created or given (otherwise unset). */
  readonly googleServiceAccountEmail?: pulumi.Output<string>;
  /** Vault: the policy granting `read` on exactly the declared secrets, HCL as Vault stores it (created, or what a policy managed elsewhere must grant) (no Vault secret: unset). */
  readonly vaultPolicy?: pulumi.Output<string>;
  /** Vault: the Kubernetes auth role as JSON: bound ServiceAccount name and namespace, audience, token TTL, policies (no Vault secret: unset). */
  readonly vaultRole?: pulumi.Output<string>;

  constructor(name: string, args: SecretMountedWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const decl = normalizeDeclaration(name, args);
    const shape = normalizeWorkloadShape(name, args, decl.deploymentName);
    // The one platform normalize found set; its checks run here, before anything is registered.
    const { sizeLimit, fetchImage, delivery, provision } = prepareMount(decl, args);
    checkPodRestricted(decl, sizeLimit);
    super("secret-mount:index:SecretMountedWorkload", name, {}, opts);
    warnUnpinnedImages(this, [
      { field: "fetch.image", image: fetchImage },
      ...decl.containers.map((c) => ({ field: `${c.field}.image`, image: c.image })),
    ]);
    warnPlainValues(this, decl.secrets);
    let namespaceResource: pulumi.Resource | undefined;
    if (decl.createNamespace) {
      namespaceResource = new core.Namespace(`${name}-namespace`, namespaceManifest(decl), { parent: this });
    }
    const nsDeps = namespaceResource ? [namespaceResource] : [];
    const { platform, fetchSpec, outputs } = provision(this, nsDeps);
    const serviceAccount = new core.ServiceAccount(`${name}-sa`, serviceAccountManifest(decl, platform.wiring), {
      parent: this,
      dependsOn: nsDeps,
    });
    const specConfigMap =
      delivery === "configmap"
        ? new core.ConfigMap(`${name}-fetch-spec`, fetchSpecConfigMapManifest(decl, fetchSpec), {
            parent: this,
            dependsOn: nsDeps,
            replaceOnChanges: ["data"],
          })
        : undefined;
    const manifest = workloadManifest(decl, shape, fetchSpec, platform.wiring, sizeLimit, specConfigMap?.metadata.name);
    const workloadOpts = {
      parent: this,
      dependsOn: [...nsDeps, serviceAccount, ...platform.ready, ...(specConfigMap ? [specConfigMap] : [])],
    };
    // The Deployment keeps its original resource name; other kinds are named for their kind.
    const deployment =
      shape.kind === "StatefulSet"
        ? new apps.StatefulSet(`${name}-statefulset`, manifest, workloadOpts)
        : shape.kind === "Job"
          ? new batch.Job(`${name}-job`, manifest, workloadOpts)
          : shape.kind === "CronJob"
            ? new batch.CronJob(`${name}-cronjob`, manifest, workloadOpts)
            : new apps.Deployment(`${name}-deployment`, manifest, workloadOpts);

    this.serviceAccountName = serviceAccount.metadata.name;
    this.workloadName = deployment.metadata.name;
    this.deploymentName = this.workloadName;
    this.selectorLabels = pulumi.output(selectorLabels(decl));
    this.namespace = pulumi.output(decl.namespace);
    this.mountPath = pulumi.output(decl.mountPath);
    this.fetchSpec = fetchSpec;
    // The platform's own outputs (declared above for Pulumi's schema; see platforms/registry.ts).
    Object.assign(this, outputs);
    this.registerOutputs({
      ...outputs,
      serviceAccountName: this.serviceAccountName,
      workloadName: this.workloadName,
      deploymentName: this.deploymentName,
      selectorLabels: this.selectorLabels,
      namespace: this.namespace,
      mountPath: this.mountPath,
      fetchSpec: this.fetchSpec,
    });
  }
}
