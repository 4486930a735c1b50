import assert from "node:assert/strict";
import * as path from "node:path";
import { DeclarationError } from "../../components";
import { loadOptionalPackage } from "../../components/core/optional-package";
import { azureNative } from "../../components/clouds/azure/sdk";
import { gcp } from "../../components/clouds/gcp/sdk";

const PKG = { name: "@pulumi/azure-native", range: "^3.28.0", platform: "aks" };
/** What Node throws for a require that cannot be resolved. */
function notFound(spec: string, from: string): Error {
  return Object.assign(new Error(`Cannot find module '${spec}'\nRequire stack:\n- ${from}`), {
    code: "MODULE_NOT_FOUND",
  });
}

describe("optional cloud SDKs (peer dependencies loaded when their platform is declared)", () => {
  it("a missing package is a DeclarationError on the platform's field, with the install command", () => {
    assert.throws(
      () =>
        loadOptionalPackage(
          PKG,
          () => {
            throw notFound(
              "@pulumi/azure-native/keyvault",
              "/app/node_modules/secret-mount/dist/components/azure/sdk.js",
            );
          },
          "api",
        ),
      (err: unknown) => {
        assert.ok(err instanceof DeclarationError);
        assert.equal(err.field, "aks");
        assert.equal(
          err.message,
          "api: aks: platform aks needs @pulumi/azure-native, an optional peer dependency of secret-mount that is not installed: npm install @pulumi/azure-native@^3.28.0",
        );
        return true;
      },
    );
  });

  it("a module missing inside an installed package, or any other load error, is not disguised as a missing package", () => {
    const inside = notFound(
      "@azure/core-rest-pipeline",
      path.join("/app/node_modules/@pulumi/azure-native/keyvault/vault.js"),
    );
    assert.throws(
      () =>
        loadOptionalPackage(PKG, () => {
          throw inside;
        }),
      (err) => err === inside,
    );
    const other = new TypeError("boom");
    assert.throws(
      () =>
        loadOptionalPackage(PKG, () => {
          throw other;
        }),
      (err) => err === other,
    );
  });

  it("installed (a devDependency here): the loaders return the modules the platforms use", () => {
    const az = azureNative();
    assert.equal(typeof az.keyvault.Vault, "function");
    assert.equal(typeof az.authorization.RoleAssignment, "function");
    assert.equal(typeof az.managedidentity.FederatedIdentityCredential, "function");
    const g = gcp();
    assert.equal(typeof g.secretmanager.SecretIamMember, "function");
    assert.equal(typeof g.serviceaccount.IAMMember, "function");
    assert.equal(typeof g.organizations.getProjectOutput, "function");
  });
});
