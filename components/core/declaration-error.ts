/**
 * A mistake in a SecretMountedWorkload declaration. Thrown while the program runs, so it fails
 * `pulumi preview` before anything is created. The message names the field and the fix.
 */
export class DeclarationError extends Error {
  constructor(
    /** The field at fault, as written in the declaration, e.g. `secrets[1].files[0].path`. */
    readonly field: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
    /** The component's name, when known. */
    readonly component = "",
  ) {
    super(`${component ? `${component}: ` : ""}${field}: ${problem}`);
    this.name = "DeclarationError";
  }
}
