import { DeclarationError } from "./declaration-error";

/** A cloud SDK that is an optional peer dependency: only declarations on its platform need it. */
export interface OptionalPackage {
  /** npm name, e.g. `@pulumi/azure-native`. */
  name: string;
  /** The range package.json's `peerDependencies` gives it. */
  range: string;
  /** The declaration field that needs it, e.g. `aks`. */
  platform: string;
  /** Who needs it, in the message (default `platform <platform>`). */
  subject?: string;
}

/**
 * Runs `load` (the package's `require`s), or, when the package itself is not installed, throws a
 * DeclarationError naming the package and the install command. Any other failure (a module missing
 * inside an installed package, an error while loading) is rethrown as it is.
 */
export function loadOptionalPackage<T>(pkg: OptionalPackage, load: () => T, component = ""): T {
  try {
    return load();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = e.code === "MODULE_NOT_FOUND" && (e.message ?? "").split("\n")[0].includes(`'${pkg.name}`);
    if (!missing) throw err;
    throw new DeclarationError(
      pkg.platform,
      `${pkg.subject ?? `platform ${pkg.platform}`} needs ${pkg.name}, an optional peer dependency of secret-mount that is not installed: npm install ${pkg.name}@${pkg.range}`,
      component,
    );
  }
}
