/** A problem with what the user asked render to do: one clear message, exit code 2, nothing written. */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}
