import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { KEY_PAIR_JSON_KEYS, type NormalizedSecret } from "../core/normalize";

/** The value to store: the user's, or one generated at `pulumi up` (never seen by the program). */
export function secretValue(parent: pulumi.Resource, base: string, s: NormalizedSecret): pulumi.Input<string> {
  if (s.kind === "value") return s.value!;
  const g = s.generate!;
  if (g.type === "password") {
    return new random.RandomPassword(`${base}-password`, {
      length: g.length,
      lower: g.lower,
      upper: g.upper,
      numeric: g.numeric,
      special: g.special,
      ...(g.special ? { overrideSpecial: g.specialCharacters } : {}),
    }, { parent }).result;
  }
  const key = new tls.PrivateKey(`${base}-key`, g.type === "rsa"
    ? { algorithm: "RSA", rsaBits: g.rsaBits }
    : { algorithm: "ECDSA", ecdsaCurve: g.ecdsaCurve }, { parent });
  return pulumi
    .all([key.privateKeyPemPkcs8, key.publicKeyPem])
    .apply(([priv, pub]) => JSON.stringify({ [KEY_PAIR_JSON_KEYS.private]: priv, [KEY_PAIR_JSON_KEYS.public]: pub }));
}
