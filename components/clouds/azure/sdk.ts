import type * as authorization from "@pulumi/azure-native/authorization";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import { loadOptionalPackage, type OptionalPackage } from "../../core/optional-package";

/** `@pulumi/azure-native` is an optional peer dependency: EKS and GKE users do not install it. */
export const AZURE_NATIVE: OptionalPackage = { name: "@pulumi/azure-native", range: "^3.28.0", platform: "aks" };

/** The azure-native modules AKS uses, required on first use (Node caches them). */
export interface AzureNative {
  authorization: typeof authorization;
  keyvault: typeof keyvault;
  managedidentity: typeof managedidentity;
}

/** Loads them, or throws a DeclarationError saying which package to install. */
export function azureNative(component = ""): AzureNative {
  return loadOptionalPackage(
    AZURE_NATIVE,
    () => ({
      authorization: require("@pulumi/azure-native/authorization") as typeof authorization,
      keyvault: require("@pulumi/azure-native/keyvault") as typeof keyvault,
      managedidentity: require("@pulumi/azure-native/managedidentity") as typeof managedidentity,
    }),
    component,
  );
}
