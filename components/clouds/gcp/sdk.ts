import type * as organizations from "@pulumi/gcp/organizations";
import type * as projects from "@pulumi/gcp/projects";
import type * as pubsub from "@pulumi/gcp/pubsub";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as storage from "@pulumi/gcp/storage";
import { loadOptionalPackage, type OptionalPackage } from "../../core/optional-package";

/** `@pulumi/gcp` is an optional peer dependency: EKS and AKS users do not install it. */
export const GCP: OptionalPackage = { name: "@pulumi/gcp", range: "^9.37.0", platform: "gke" };

/** The gcp modules GKE and GkeWorkloadIdentity use, required on first use (Node caches them). */
export interface Gcp {
  organizations: typeof organizations;
  projects: typeof projects;
  pubsub: typeof pubsub;
  secretmanager: typeof secretmanager;
  serviceaccount: typeof serviceaccount;
  storage: typeof storage;
}

/** Loads them, or throws a DeclarationError saying which package to install. */
export function gcp(component = ""): Gcp {
  return loadOptionalPackage(
    GCP,
    () => ({
      organizations: require("@pulumi/gcp/organizations") as typeof organizations,
      projects: require("@pulumi/gcp/projects") as typeof projects,
      pubsub: require("@pulumi/gcp/pubsub") as typeof pubsub,
      secretmanager: require("@pulumi/gcp/secretmanager") as typeof secretmanager,
      serviceaccount: require("@pulumi/gcp/serviceaccount") as typeof serviceaccount,
      storage: require("@pulumi/gcp/storage") as typeof storage,
    }),
    component,
  );
}
