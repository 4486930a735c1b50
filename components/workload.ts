import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import * as apps from "@pulumi/kubernetes/apps/v1";
import { provisionEks } from "./aws/eks";
import { buildFetchSpec } from "./core/build-fetch-spec";
import { normalizeDeclaration } from "./core/normalize";
import { requiredVolumeBytes, volumeSizeLimit } from "./core/volume-size";
import { planEks } from "./aws/plan";
import { deploymentManifest, fetchSpecConfigMapManifest, namespaceManifest, serviceAccountManifest } from "./kubernetes/manifests";
import { checkSpecSize, specBytesBound, specDelivery } from "./core/spec-delivery";
import { fetchImageOf, warnUnpinnedImages } from "./kubernetes/fetch-image";
import type { SecretMountedWorkloadArgs } from "./workload-args";

/**
 * A workload and its secrets, the safe way: the secrets, the cloud identity that may read exactly
 * them, the ServiceAccount, and a Deployment whose fetch init container writes the secrets into a
 * memory-backed volume the app mounts read-only.
 */
export class SecretMountedWorkload extends pulumi.ComponentResource {
  /** ARN of the IAM role the fetch container assumes. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the ServiceAccount the pods run as. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** Name of the Deployment. */
  readonly deploymentName: pulumi.Output<string>;
  /** Kubernetes namespace of the ServiceAccount and the Deployment. */
  readonly namespace: pulumi.Output<string>;
  /** Where the secrets appear in every container. */
  readonly mountPath: pulumi.Output<string>;
  /** The FetchSpec (JSON) handed to the fetch container: references only, never values. */
  readonly fetchSpec: pulumi.Output<string>;
  /** The role's permission policy (JSON). */
  readonly permissionPolicy: pulumi.Output<string>;
  /** The role's trust policy (JSON). */
  readonly trustPolicy: pulumi.Output<string>;

  constructor(name: string, args: SecretMountedWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const decl = normalizeDeclaration(name, args);
    // The one platform normalize found set (only EKS so far).
    const eks = args[decl.platform]!;
    const plan = planEks(decl, eks);
    const sizeLimit = volumeSizeLimit(decl, requiredVolumeBytes(decl, plan.maxValueBytesOfFile));
    const fetchImage = fetchImageOf(decl);
    // What names each secret in its store (unknown: an ARN from another resource), to bound the spec's size.
    const references = plan.secrets.map((p) => p.storeName ?? (typeof p.secret.existing?.arn === "string" ? p.secret.existing.arn : undefined));
    const delivery = specDelivery(decl, specBytesBound(decl, references));
    super("secret-mount:index:SecretMountedWorkload", name, {}, opts);
    warnUnpinnedImages(this, [{ field: "fetch.image", image: fetchImage }, ...decl.containers.map((c, i) => ({ field: `containers[${i}].image`, image: c.image }))]);
    const platform = provisionEks(this, decl, eks, plan);
    const fetchSpec = platform.sources.apply((sources) => checkSpecSize(decl, delivery, JSON.stringify(buildFetchSpec(decl, sources))));

    let namespaceResource: pulumi.Resource | undefined;
    if (decl.createNamespace) {
      namespaceResource = new core.Namespace(`${name}-namespace`, namespaceManifest(decl), { parent: this });
    }
    const nsDeps = namespaceResource ? [namespaceResource] : [];
    const serviceAccount = new core.ServiceAccount(`${name}-sa`, serviceAccountManifest(decl, platform.wiring), { parent: this, dependsOn: nsDeps });
    const specConfigMap = delivery === "configmap"
      ? new core.ConfigMap(`${name}-fetch-spec`, fetchSpecConfigMapManifest(decl, fetchSpec), { parent: this, dependsOn: nsDeps, replaceOnChanges: ["data"] })
      : undefined;
    const deployment = new apps.Deployment(`${name}-deployment`, deploymentManifest(decl, fetchSpec, platform.wiring, sizeLimit, specConfigMap?.metadata.name), {
      parent: this,
      dependsOn: [...nsDeps, serviceAccount, ...platform.ready, ...(specConfigMap ? [specConfigMap] : [])],
    });

    this.roleArn = platform.roleArn;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.namespace = pulumi.output(decl.namespace);
    this.mountPath = pulumi.output(decl.mountPath);
    this.fetchSpec = fetchSpec;
    this.permissionPolicy = platform.permissionPolicy;
    this.trustPolicy = platform.trustPolicy;
    this.registerOutputs({
      roleArn: this.roleArn,
      serviceAccountName: this.serviceAccountName,
      deploymentName: this.deploymentName,
      namespace: this.namespace,
      mountPath: this.mountPath,
      fetchSpec: this.fetchSpec,
      permissionPolicy: this.permissionPolicy,
      trustPolicy: this.trustPolicy,
    });
  }
}
