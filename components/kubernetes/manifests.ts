import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../core/target";
import type { Declaration } from "../core/normalize";
import { podTemplate, selectorLabels, type PlatformWiring } from "./pod";
import { FETCH_SPEC_FILE } from "../core/spec-delivery";
import type { WorkloadShape } from "../core/workload-kind";

const MANAGED_BY = { "app.kubernetes.io/managed-by": "secret-mount" };

/**
 * The Pod Security Standards version the namespace pins: the one the pod is checked against
 * (tests/helpers/pod-security.ts, written from the v1.34 tables). Pinned rather than `latest` so a
 * cluster upgrade cannot start refusing pods without a reviewed change here; a version newer than
 * the API server is evaluated as `latest` by Pod Security admission.
 */
export const POD_SECURITY_VERSION = "v1.34";

/** A namespace that enforces, warns about and audits the restricted Pod Security Standard. */
export function namespaceManifest(decl: Declaration) {
  const labels: { [key: string]: string } = { ...MANAGED_BY };
  for (const mode of ["enforce", "warn", "audit"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = "restricted";
    labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
  }
  return { metadata: { name: decl.namespace, labels } };
}

export function serviceAccountManifest(decl: MountTarget, wiring: PlatformWiring) {
  return {
    metadata: {
      name: decl.serviceAccountName,
      namespace: decl.namespace,
      labels: { ...MANAGED_BY, ...selectorLabels(decl) },
      annotations: wiring.serviceAccountAnnotations,
    },
    automountServiceAccountToken: false,
  };
}

/**
 * The ServiceAccount an identity component creates: annotated (and labelled) for its identity, no
 * API token mounted by default (the identity webhooks project tokens of their own; a pod that
 * calls the Kubernetes API sets `automountServiceAccountToken: true` in its own spec).
 */
export function identityServiceAccountManifest(
  namespace: string,
  name: string,
  annotations: pulumi.Input<{ [key: string]: pulumi.Input<string> }>,
  labels: { [key: string]: string } = {},
) {
  return {
    metadata: { name, namespace, labels: { ...MANAGED_BY, ...labels }, annotations },
    automountServiceAccountToken: false,
  };
}

export function deploymentManifest(
  decl: Declaration,
  specJson: pulumi.Input<string>,
  wiring: PlatformWiring,
  sizeLimit: string,
  specConfigMap?: pulumi.Input<string>,
) {
  return {
    metadata: {
      name: decl.deploymentName,
      namespace: decl.namespace,
      labels: { ...MANAGED_BY, ...selectorLabels(decl) },
    },
    spec: {
      replicas: decl.replicas,
      selector: { matchLabels: selectorLabels(decl) },
      template: podTemplate(decl, specJson, wiring, sizeLimit, specConfigMap),
    },
  };
}

/**
 * The workload object of the declared kind (apiVersion/kind come from the Pulumi resource class).
 * A Job's pods restart a failed fetch in place (`OnFailure`): a new identity may need a moment.
 */
// The spec's type depends on the kind; each resource class checks its own at registration.
export function workloadManifest(
  decl: Declaration,
  shape: WorkloadShape,
  specJson: pulumi.Input<string>,
  wiring: PlatformWiring,
  sizeLimit: string,
  specConfigMap?: pulumi.Input<string>,
): { metadata: object; spec: any } {
  if (shape.kind === "Deployment") return deploymentManifest(decl, specJson, wiring, sizeLimit, specConfigMap);
  const metadata = {
    name: decl.deploymentName,
    namespace: decl.namespace,
    labels: { ...MANAGED_BY, ...selectorLabels(decl) },
  };
  const template = podTemplate(decl, specJson, wiring, sizeLimit, specConfigMap);
  if (shape.kind === "StatefulSet") {
    return {
      metadata,
      spec: {
        replicas: decl.replicas,
        serviceName: shape.serviceName,
        selector: { matchLabels: selectorLabels(decl) },
        template,
      },
    };
  }
  const jobSpec = {
    ...(shape.backoffLimit !== undefined ? { backoffLimit: shape.backoffLimit } : {}),
    template: { ...template, spec: { ...template.spec, restartPolicy: "OnFailure" } },
  };
  if (shape.kind === "Job") return { metadata, spec: jobSpec };
  return {
    metadata,
    spec: {
      schedule: shape.schedule,
      concurrencyPolicy: "Forbid",
      jobTemplate: { metadata: { labels: selectorLabels(decl) }, spec: jobSpec },
    },
  };
}

/**
 * The ConfigMap carrying a FetchSpec too large for an environment variable: references only, no
 * values. Immutable; Pulumi replaces a ConfigMap whose data changes, under a new generated name,
 * so the Deployment's pods roll onto the new spec.
 */
export function fetchSpecConfigMapManifest(decl: MountTarget, specJson: pulumi.Input<string>) {
  return {
    metadata: { namespace: decl.namespace, labels: { ...MANAGED_BY, ...selectorLabels(decl) } },
    immutable: true,
    data: { [FETCH_SPEC_FILE]: specJson },
  };
}
