import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { KEY_PAIR_JSON_KEYS, type NormalizedSecret } from "../core/secret-set";

const DAY_MS = 86_400_000;

/**
 * The first day (UTC, `YYYY-MM-DD`) of the rotation period `nowMs` falls in. Periods are
 * `everyDays` long, counted from 1970-01-01 and shifted by a phase of 0 to everyDays-1 days taken
 * from a hash of `seed`, so that secrets declared together do not all rotate on the same day. The
 * value changes exactly at 00:00 UTC of each rotation date, and nowhere else.
 */
export function rotationPeriodStart(nowMs: number, everyDays: number, seed: string): string {
  const phase = parseInt(createHash("sha256").update(seed).digest("hex").slice(0, 8), 16) % everyDays;
  const day = Math.floor(nowMs / DAY_MS);
  const start = day - ((((day - phase) % everyDays) + everyDays) % everyDays);
  return new Date(start * DAY_MS).toISOString().slice(0, 10);
}

/**
 * What makes a generated value rotate: the start of its current rotation period, as the keeper of
 * the random generator (a change of keepers replaces a RandomPassword) or the replacement trigger
 * of a key pair (tls.PrivateKey has no keepers). A pure function of the clock at `pulumi up`, so it
 * works the same under mocks, in the offline render and with the real engine, and needs no
 * provider beyond random and tls.
 */
export function rotationKeeper(s: NormalizedSecret, base: string, nowMs = Date.now()): string | undefined {
  const days = s.generate?.rotateEveryDays;
  return days === undefined
    ? undefined
    : rotationPeriodStart(nowMs, days, `${pulumi.getProject()}/${pulumi.getStack()}/${base}`);
}

/** The value to store: the user's, or one generated at `pulumi up` (never seen by the program). */
export function secretValue(parent: pulumi.Resource, base: string, s: NormalizedSecret): pulumi.Input<string> {
  if (s.kind === "value") return s.value!;
  const g = s.generate!;
  const rotation = rotationKeeper(s, base);
  if (g.type === "password") {
    return new random.RandomPassword(
      `${base}-password`,
      {
        length: g.length,
        lower: g.lower,
        upper: g.upper,
        numeric: g.numeric,
        special: g.special,
        ...(g.special ? { overrideSpecial: g.specialCharacters } : {}),
        ...(rotation !== undefined ? { keepers: { rotation } } : {}),
      },
      { parent },
    ).result;
  }
  const key = new tls.PrivateKey(
    `${base}-key`,
    g.type === "rsa" ? { algorithm: "RSA", rsaBits: g.rsaBits } : { algorithm: "ECDSA", ecdsaCurve: g.ecdsaCurve },
    { parent, ...(rotation !== undefined ? { replacementTrigger: rotation } : {}) },
  );
  return pulumi
    .all([key.privateKeyPemPkcs8, key.publicKeyPem])
    .apply(([priv, pub]) => JSON.stringify({ [KEY_PAIR_JSON_KEYS.private]: priv, [KEY_PAIR_JSON_KEYS.public]: pub }));
}
