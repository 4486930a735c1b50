/**
 * A mistake in a SecretMountedWorkload declaration. Thrown while the program runs, so it fails
 * `pulumi preview` before anything is created. The message names the field and the fix.
 *
 * Pulumi prints it as it prints its own `RunError`: the message alone, no stack trace (the Node
 * language host's uncaught-error handler recognises a RunError by the `__pulumiRunError` mark, so
 * the mark works whichever copy of `@pulumi/pulumi` loaded this class). That holds for an error
 * thrown inside an Output's `apply` too, which surfaces only when the resource taking the Output is
 * serialized: the SDK then prefixes the message with the resource's internal property path
 * (`error serializing property "spec": …`), which names no field the user wrote, so the message
 * keeps its own text.
 */
export class DeclarationError extends Error {
  /** Pulumi's `RunError` mark: `pulumi preview` / `pulumi up` print the message without a stack trace. */
  readonly __pulumiRunError = true;

  constructor(
    /** The field at fault, as written in the declaration, e.g. `secrets[1].files[0].path`. */
    readonly field: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
    /** The component's name, when known. */
    readonly component = "",
  ) {
    const message = `${component ? `${component}: ` : ""}${field}: ${problem}`;
    super(message);
    this.name = "DeclarationError";
    // Assignments (the serializer's property-path prefix) leave the message as written.
    Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
  }
}
