import { fact, type Describer } from "../review/describe";

/** Values generated at `pulumi up` by the random and tls providers: never shown, only described. */
export const GENERATED_DESCRIBERS: Record<string, Describer> = {
  "random:index/randomPassword:RandomPassword": ({ inputs: i }) => ({
    facts: [fact("password", `${i.length} characters, generated at pulumi up; value withheld`)],
  }),
  "tls:index/privateKey:PrivateKey": ({ inputs: i }) => ({
    facts: [
      fact(
        "private key",
        `${i.algorithm} ${i.ecdsaCurve ?? (i.rsaBits ? `${i.rsaBits} bits` : "")}`.trim() +
          ", generated at pulumi up; value withheld",
      ),
    ],
  }),
};
