import * as pulumi from "@pulumi/pulumi";

/**
 * Every required config key a program asks for and the stack file lacks, in one run. Pulumi's
 * `Config.require*` throws at the first missing key, so a user would learn them one run at a time;
 * while a program runs under the offline engine, each `require*` that finds nothing records the
 * key and answers a stand-in instead (an empty string, 0, false, {}; a secret for the `Secret`
 * variants), so the program goes on to ask for the next one. A run that recorded any key is
 * refused as a whole: what it registered was built from stand-ins, and nothing is written.
 */

/** A required key missing from the stack file. */
export interface MissingConfigKey {
  /** The full key, `<namespace>:<name>`. */
  key: string;
  /** Asked for with a `requireSecret*` method. */
  secret: boolean;
}

type Sdk = Pick<typeof pulumi, "Config" | "secret">;

/** The stand-in each `require*` method answers for a missing key. */
const STAND_INS: Record<string, string | number | boolean | object> = {
  require: "",
  requireSecret: "",
  requireNumber: 0,
  requireSecretNumber: 0,
  requireBoolean: false,
  requireSecretBoolean: false,
  requireObject: {},
  requireSecretObject: {},
};

/** Pulumi's ConfigMissingError, recognised by its shape in whichever copy of the SDK threw it. */
function missingKey(e: unknown): string | undefined {
  const err = e as { key?: unknown; message?: unknown };
  return typeof err?.key === "string" && /^Missing required configuration variable/.test(String(err.message))
    ? err.key
    : undefined;
}

/**
 * Makes the `require*` methods of each SDK's `Config` record missing keys (see above) until
 * `restore` is called. `sdks` are the copies of `@pulumi/pulumi` the program may use: the
 * engine's own, and the program's when it has its own `node_modules`.
 */
export function recordMissingConfig(sdks: Sdk[]): { missing: MissingConfigKey[]; restore(): void } {
  const missing: MissingConfigKey[] = [];
  const undo: Array<() => void> = [];
  for (const sdk of new Set(sdks)) {
    const proto = sdk.Config.prototype;
    for (const [method, standIn] of Object.entries(STAND_INS)) {
      const own = Object.getOwnPropertyDescriptor(proto, method);
      const original = own?.value as ((...args: unknown[]) => unknown) | undefined;
      if (!own || typeof original !== "function") continue;
      const secret = method.startsWith("requireSecret");
      const recording = function (this: unknown, ...args: unknown[]) {
        try {
          return original.apply(this, args);
        } catch (e) {
          const key = missingKey(e);
          if (key === undefined) throw e;
          if (!missing.some((m) => m.key === key)) missing.push({ key, secret });
          return secret ? sdk.secret(standIn) : standIn;
        }
      };
      Object.defineProperty(proto, method, { ...own, value: recording });
      undo.push(() => Object.defineProperty(proto, method, own));
    }
  }
  return { missing, restore: () => undo.forEach((u) => u()) };
}
