/**
 * AWS Systems Manager Parameter Store. Per region, GetParameters with at most 10 names a call,
 * WithDecryption (SecureString), calls run concurrently. Names listed in InvalidParameters are
 * not found (the service answers 200 for them).
 */
import { GetParametersCommand, type GetParametersCommandOutput, SSMClient } from "@aws-sdk/client-ssm";
import type { AwsSsmSource } from "../../../components/spec/fetch-spec";
import { regionOfArn } from "../../../components/aws/arns";
import { clientPerRegion } from "./aws-client-options";
import { classifyAwsError } from "./aws-errors";
import { chunks, groupIndices } from "./grouping";
import { type FetchedValue, type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";

export const BATCH_LIMIT = 10;

const client = clientPerRegion((options) => new SSMClient(options));

export const provider: Provider<AwsSsmSource> = {
  type: "aws-ssm",
  async fetchAll(sources, ctx) {
    const started = Date.now();
    const results: SourceResult[] = new Array(sources.length);
    const tasks: Promise<void>[] = [];
    for (const [region, indices] of groupIndices(sources, (s) => s.region ?? regionOfArn(s.name) ?? "")) {
      const ssm = client(region, ctx.env);
      for (const chunk of chunks(indices, BATCH_LIMIT)) {
        tasks.push(
          getParameters(ssm, chunk.map((i) => sources[i].name), ctx).then((vs) =>
            vs.forEach((v, j) => {
              results[chunk[j]] = v instanceof SourceError ? { ok: false, error: v, attempts: 1, ms: Date.now() - started } : { ok: true, value: v, attempts: 1, ms: Date.now() - started };
            }),
          ),
        );
      }
    }
    await Promise.all(tasks);
    return results;
  },
};

async function getParameters(ssm: SSMClient, names: string[], ctx: ProviderContext): Promise<(FetchedValue | SourceError)[]> {
  ctx.countCall("ssm.GetParameters");
  let out: GetParametersCommandOutput;
  try {
    out = await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true }), { abortSignal: ctx.signal });
  } catch (e) {
    const error = classifyAwsError(e, ctx.signal);
    return names.map(() => error);
  }
  const invalid = new Set(out.InvalidParameters ?? []);
  return names.map((name) => {
    if (invalid.has(name)) return new SourceError("not-found", "no such parameter (listed in InvalidParameters)");
    const p = (out.Parameters ?? []).find((x) => x.ARN === name || x.Name === name || `${x.Name}${x.Selector ?? ""}` === name);
    if (!p) return new SourceError("malformed", "the answer neither returned nor listed this parameter", true);
    if (typeof p.Value !== "string") return new SourceError("malformed", "the parameter in the answer has no Value", true);
    return { bytes: Buffer.from(p.Value, "utf8"), version: p.Version !== undefined ? String(p.Version) : undefined };
  });
}
