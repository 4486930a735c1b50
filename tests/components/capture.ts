import * as pulumi from "@pulumi/pulumi";

/** Warnings the program sends to `pulumi.log.warn`, captured while `run` runs. */
export async function captureWarnings<T>(
  run: () => Promise<T>,
): Promise<{ result: T; warnings: { msg: string; resource?: pulumi.Resource }[] }> {
  const warnings: { msg: string; resource?: pulumi.Resource }[] = [];
  const log = pulumi.log as { warn: typeof pulumi.log.warn };
  const original = log.warn;
  log.warn = (msg: string, resource?: pulumi.Resource) => {
    warnings.push({ msg, resource });
    return Promise.resolve();
  };
  try {
    return { result: await run(), warnings };
  } finally {
    log.warn = original;
  }
}

/**
 * The first unhandled rejection raised while `start` runs (how a program's failed resource input
 * reaches `pulumi preview` / `pulumi up`: the engine prints it and fails the update). Mocha's own
 * handler is detached meanwhile, so the rejection is the test's to inspect.
 */
export async function firstUnhandledRejection(start: () => void, timeoutMs = 5000): Promise<unknown> {
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const seen: unknown[] = [];
  const keep = (e: unknown) => seen.push(e);
  process.on("unhandledRejection", keep);
  try {
    start();
    const deadline = Date.now() + timeoutMs;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Let the rest of the program's registrations settle before looking at what was registered.
    await new Promise((r) => setTimeout(r, 200));
    if (seen.length === 0) throw new Error(`no unhandled rejection within ${timeoutMs} ms`);
    return seen[0];
  } finally {
    process.removeListener("unhandledRejection", keep);
    for (const l of saved) process.on("unhandledRejection", l);
  }
}
