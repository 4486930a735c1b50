import { DeclarationError, type DeclarationProblem } from "./declaration-error";

/** Ends the part of the checks a `fail` was in; `Problems.section` resumes after it. */
class Stop {}

/**
 * Collects the problems of one declaration, so that all of them are reported together (one
 * DeclarationError, Pulumi's InputPropertiesError) instead of only the first.
 *
 * - `add` records a problem and the checks go on.
 * - `fail` records a problem and stops the part of the checks it is in: what follows there relies
 *   on the field being right (its type, its presence). Outside any `section` it throws at once,
 *   with every problem found so far.
 * - `section` runs a part that does not depend on the others (one secret, one container, one group
 *   of fields): a `fail` inside it ends only that part. A DeclarationError thrown inside (by checks
 *   that collect their own, or an error found when a value is computed) joins the collection.
 * - `stopIfAny` / `throwIfAny` end the checks with every problem found, when there is one: call it
 *   before code that uses what the sections produced, and before returning.
 */
export class Problems {
  private readonly found: DeclarationProblem[] = [];
  private depth = 0;

  constructor(
    /** The component's name, for messages. */
    readonly component: string,
  ) {}

  /** How many problems were found so far. */
  get count(): number {
    return this.found.length;
  }

  /** Records `problem` on `field`; the checks go on. */
  readonly add = (field: string, problem: string): void => {
    this.found.push({ field, problem });
  };

  /** Records `problem` on `field` and stops the part of the checks it is in (see the class). */
  readonly fail = (field: string, problem: string): never => {
    this.add(field, problem);
    if (this.depth > 0) throw new Stop();
    throw this.error();
  };

  /** Runs an independent part of the checks; returns its result, or undefined when it stopped on a problem. */
  section<T>(run: () => T): T | undefined {
    this.depth++;
    try {
      return run();
    } catch (e) {
      if (e instanceof Stop) return undefined;
      if (isDeclarationError(e)) {
        this.found.push(...e.problems);
        return undefined;
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Throws every problem found so far, when there is one (inside a section: stops it). */
  stopIfAny(): void {
    if (!this.found.length) return;
    if (this.depth > 0) throw new Stop();
    throw this.error();
  }

  /** Throws every problem found, when there is one. Call it before returning what was checked. */
  throwIfAny(): void {
    if (this.found.length) throw this.error();
  }

  private error(): DeclarationError {
    return DeclarationError.of(this.found, this.component);
  }
}

/** A DeclarationError, also from another copy of this library (checks nested in other checks). */
function isDeclarationError(e: unknown): e is DeclarationError {
  return (
    e instanceof DeclarationError ||
    ((e as Error)?.name === "DeclarationError" && Array.isArray((e as DeclarationError).problems))
  );
}
