import type * as pulumi from "@pulumi/pulumi";
import type { Declaration } from "../core/normalize";
import { podTemplate, selectorLabels, type PlatformWiring } from "./pod";

const MANAGED_BY = { "app.kubernetes.io/managed-by": "secret-mount" };

/** A namespace that enforces the restricted Pod Security Standard. */
export function namespaceManifest(decl: Declaration) {
  return {
    metadata: {
      name: decl.namespace,
      labels: {
        ...MANAGED_BY,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

export function serviceAccountManifest(decl: Declaration, wiring: PlatformWiring) {
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

export function deploymentManifest(decl: Declaration, specJson: pulumi.Input<string>, wiring: PlatformWiring, sizeLimit: string) {
  return {
    metadata: {
      name: decl.deploymentName,
      namespace: decl.namespace,
      labels: { ...MANAGED_BY, ...selectorLabels(decl) },
    },
    spec: {
      replicas: decl.replicas,
      selector: { matchLabels: selectorLabels(decl) },
      template: podTemplate(decl, specJson, wiring, sizeLimit),
    },
  };
}
