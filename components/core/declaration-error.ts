/**
 * A mistake in a SecretMountedWorkload declaration. Thrown while the program runs, so it fails
 * `pulumi preview` before anything is created. The message names the field and the fix.
 */
export class DeclarationError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly component = "",
  ) {
    super(`${component ? `${component}: ` : ""}${field}: ${problem}`);
    this.name = "DeclarationError";
  }
}
