import type * as organizations from "@pulumi/gcp/organizations";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import { loadOptionalPackage, type OptionalPackage } from "../core/optional-package";

/** `@pulumi/gcp` is an optional peer dependency: EKS and AKS users do not install it. */
export const GCP: OptionalPackage = { name: "@pulumi/gcp", range: "^9.37.0", platform: "gke" };

/** The gcp modules GKE uses, required on first use (Node caches them). */
export interface Gcp {
  organizations: typeof organizations;
  secretmanager: typeof secretmanager;
  serviceaccount: typeof serviceaccount;
}

/** Loads them, or throws a DeclarationError saying which package to install. */
export function gcp(component = ""): Gcp {
  return loadOptionalPackage(GCP, () => ({
    organizations: require("@pulumi/gcp/organizations") as typeof organizations,
    secretmanager: require("@pulumi/gcp/secretmanager") as typeof secretmanager,
    serviceaccount: require("@pulumi/gcp/serviceaccount") as typeof serviceaccount,
  }), component);
}
