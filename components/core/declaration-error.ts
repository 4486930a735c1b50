import * as pulumi from "@pulumi/pulumi";

/** One problem of a declaration: the field as written and what is wrong with it and how to fix it. */
export interface DeclarationProblem {
  /** The field at fault, as written in the declaration, e.g. `secrets[1].files[0].path`. */
  readonly field: string;
  /** What is wrong and how to fix it. */
  readonly problem: string;
}

/**
 * The mistakes in a declaration (SecretMountedWorkload, SecretMount, SecretMountedTask, the identity
 * components). Thrown while the program runs, so it fails `pulumi preview` before anything is
 * created. It holds every problem the checks found (`problems`), not only the first; `field` and
 * `problem` are the first one's. The message is one line per problem, `<component>: <field>: <problem>`.
 *
 * It is Pulumi's own input error, a `pulumi.InputPropertyError` (`propertyPath` = the field as
 * written, `reason` = the problem), and with several problems it also carries Pulumi's
 * `InputPropertiesError` mark and `errors` list. Pulumi's provider server turns exactly those into
 * structured errors, so a Python, Go or .NET program using this package through its generated SDK
 * sees each problem with its property path instead of an opaque failure.
 *
 * Pulumi prints it as it prints its own `RunError`: the message alone, no stack trace (the Node
 * language host's uncaught-error handler recognises a RunError by the `__pulumiRunError` mark, so
 * the mark works whichever copy of `@pulumi/pulumi` loaded this class). That holds for an error
 * thrown inside an Output's `apply` too, which surfaces only when the resource taking the Output is
 * serialized: the SDK then prefixes the message with the resource's internal property path
 * (`error serializing property "spec": …`), which names no field the user wrote, so the message
 * keeps its own text.
 */
export class DeclarationError extends pulumi.InputPropertyError {
  /** Pulumi's `RunError` mark: `pulumi preview` / `pulumi up` print the message without a stack trace. */
  readonly __pulumiRunError = true;
  /** Every problem found, the first being `field` / `problem`. */
  readonly problems: readonly DeclarationProblem[];
  /** With several problems: Pulumi's `InputPropertiesError` list (`propertyPath`, `reason`) of them all. */
  readonly errors?: pulumi.InputPropertyErrorDetails[];

  constructor(
    /** The field at fault, as written in the declaration, e.g. `secrets[1].files[0].path`. */
    readonly field: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
    /** The component's name, when known. */
    readonly component = "",
    /** The problems found after this one in the same declaration. */
    more: readonly DeclarationProblem[] = [],
  ) {
    super({ propertyPath: field, reason: problem });
    this.problems = [{ field, problem }, ...more.map(({ field, problem }) => ({ field, problem }))];
    const message = this.problems.map((p) => `${component ? `${component}: ` : ""}${p.field}: ${p.problem}`).join("\n");
    this.name = "DeclarationError";
    if (more.length) {
      // Pulumi's provider server checks this mark (whichever copy of the SDK) before InputPropertyError's.
      Object.defineProperty(this, "__pulumiInputPropertiesError", { value: true, enumerable: false });
      this.errors = this.problems.map((p) => ({ propertyPath: p.field, reason: p.problem }));
    }
    // Assignments (the serializer's property-path prefix) leave the message as written.
    Object.defineProperty(this, "message", {
      get: () => message,
      set: () => undefined,
      enumerable: false,
      configurable: true,
    });
  }

  /** One error holding all of `problems` (at least one), for `component`. */
  static of(problems: readonly DeclarationProblem[], component = ""): DeclarationError {
    const [first, ...more] = problems;
    return new DeclarationError(first.field, first.problem, component, more);
  }
}
