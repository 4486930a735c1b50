/**
 * AWS Systems Manager Parameter Store. Per region, GetParameters with at most 10 names a call,
 * WithDecryption (SecureString), calls run concurrently. Names listed in InvalidParameters are
 * not found (the service answers 200 for them).
 *
 * A parameter given by ARN is requested by that full ARN (a parameter shared from another account
 * can only be read that way) in the ARN's region. Names and ARNs go in separate calls: the service
 * answers in alphabetical order, not the request's, and a shared parameter may carry the same name
 * as one of the account's own, so an answer is tied to a name by its Name and to an ARN by its ARN.
 */
import { GetParametersCommand, type GetParametersCommandOutput, SSMClient } from "@aws-sdk/client-ssm";
import type { AwsSsmSource } from "../../../spec/fetch-spec";
import { regionOfArn } from "../../../spec/arn";
import { clientPerRegion } from "./aws-client-options";
import { classifyAwsError } from "./aws-errors";
import { matchOneToOne } from "./batch-match";
import { chunks, groupIndices } from "./grouping";
import { type FetchedValue, type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";

export const BATCH_LIMIT = 10;

const client = clientPerRegion((options) => new SSMClient(options));

const isArn = (name: string) => name.startsWith("arn:");

export const provider: Provider<AwsSsmSource> = {
  type: "aws-ssm",
  async fetchAll(sources, ctx) {
    const started = Date.now();
    const results: SourceResult[] = new Array(sources.length);
    const tasks: Promise<void>[] = [];
    // The spec parser refuses a region that contradicts the ARN's.
    const key = (s: AwsSsmSource) => `${regionOfArn(s.name) ?? s.region ?? ""}|${isArn(s.name) ? "arn" : "name"}`;
    for (const [regionAndKind, indices] of groupIndices(sources, key)) {
      const ssm = client(regionAndKind.split("|")[0], ctx.env);
      for (const chunk of chunks(indices, BATCH_LIMIT)) {
        tasks.push(
          getParameters(
            ssm,
            chunk.map((i) => sources[i].name),
            ctx,
          ).then((vs) =>
            vs.forEach((v, j) => {
              results[chunk[j]] =
                v instanceof SourceError
                  ? { ok: false, error: v, attempts: 1, ms: Date.now() - started }
                  : { ok: true, value: v, attempts: 1, ms: Date.now() - started };
            }),
          ),
        );
      }
    }
    await Promise.all(tasks);
    return results;
  },
};

type Parameter = NonNullable<GetParametersCommandOutput["Parameters"]>[number];

/** Whether an answered parameter is the one requested as `id` (a name or an ARN, either with an optional `:version`/`:label` selector). */
export function answersParameter(id: string, p: Parameter): boolean {
  const selector = p.Selector ?? "";
  return isArn(id)
    ? p.ARN !== undefined && `${p.ARN}${selector}` === id
    : p.Name !== undefined && `${p.Name}${selector}` === id;
}

async function getParameters(
  ssm: SSMClient,
  names: string[],
  ctx: ProviderContext,
): Promise<(FetchedValue | SourceError)[]> {
  ctx.countCall("ssm.GetParameters");
  let out: GetParametersCommandOutput;
  try {
    out = await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true }), { abortSignal: ctx.signal });
  } catch (e) {
    const error = classifyAwsError(e, ctx.signal);
    return names.map(() => error);
  }
  // InvalidParameters lists names as they were requested.
  const invalid = new Set(out.InvalidParameters ?? []);
  const parameters = out.Parameters ?? [];
  const answerOf = matchOneToOne(names, parameters, answersParameter);
  return names.map((name, i) => {
    if (invalid.has(name)) return new SourceError("not-found", "no such parameter (listed in InvalidParameters)");
    const p = parameters[answerOf[i]];
    if (!p)
      return new SourceError(
        "malformed",
        "the answer neither returned this parameter exactly once nor listed it as invalid",
        true,
      );
    if (typeof p.Value !== "string")
      return new SourceError("malformed", "the parameter in the answer has no Value", true);
    return { bytes: Buffer.from(p.Value, "utf8"), version: p.Version !== undefined ? String(p.Version) : undefined };
  });
}
