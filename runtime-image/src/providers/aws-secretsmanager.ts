/**
 * AWS Secrets Manager. Per region, secrets read at AWSCURRENT go in BatchGetSecretValue calls of at
 * most 20 ids, run concurrently; a batch denied by IAM (AccessDeniedException: the role lacks
 * secretsmanager:BatchGetSecretValue) falls back to one GetSecretValue per secret. A single secret,
 * or one pinned to a versionId / versionStage, uses GetSecretValue.
 */
import {
  BatchGetSecretValueCommand,
  type BatchGetSecretValueCommandOutput,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { AwsSecretsManagerSource } from "../../../spec/fetch-spec";
import { regionOfArn } from "../../../spec/arn";
import { clientPerRegion } from "./aws-client-options";
import { classifyAwsError, classifyBatchErrorCode } from "./aws-errors";
import { matchOneToOne } from "./batch-match";
import { chunks, groupIndices } from "./grouping";
import { type FetchedValue, type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";

export const BATCH_LIMIT = 20;

const client = clientPerRegion((options) => new SecretsManagerClient(options));

type SecretValueShape = Pick<GetSecretValueCommandOutput, "SecretString" | "SecretBinary" | "VersionId">;

function toValue(v: SecretValueShape): FetchedValue | SourceError {
  if (typeof v.SecretString === "string") return { bytes: Buffer.from(v.SecretString, "utf8"), version: v.VersionId };
  if (v.SecretBinary) return { bytes: Buffer.from(v.SecretBinary), version: v.VersionId, binary: true };
  return new SourceError("malformed", "the answer has neither SecretString nor SecretBinary", true);
}

function batchable(s: AwsSecretsManagerSource): boolean {
  return s.versionId === undefined && (s.versionStage === undefined || s.versionStage === "AWSCURRENT");
}

export const provider: Provider<AwsSecretsManagerSource> = {
  type: "aws-secretsmanager",
  async fetchAll(sources, ctx) {
    const started = Date.now();
    const results: SourceResult[] = new Array(sources.length);
    const settle = (i: number, v: FetchedValue | SourceError) => {
      results[i] =
        v instanceof SourceError
          ? { ok: false, error: v, attempts: 1, ms: Date.now() - started }
          : { ok: true, value: v, attempts: 1, ms: Date.now() - started };
    };
    const tasks: Promise<void>[] = [];
    for (const [region, indices] of groupIndices(sources, (s) => regionOfArn(s.secretId) ?? s.region ?? "")) {
      const sm = client(region, ctx.env);
      const inBatch = indices.filter((i) => batchable(sources[i]));
      const single = indices.filter((i) => !batchable(sources[i]) || inBatch.length === 1);
      for (const i of single) tasks.push(getOne(sm, sources[i], ctx).then((v) => settle(i, v)));
      if (inBatch.length > 1) {
        for (const chunk of chunks(inBatch, BATCH_LIMIT))
          tasks.push(
            getBatch(
              sm,
              region,
              chunk.map((i) => sources[i]),
              ctx,
            ).then((vs) => vs.forEach((v, j) => settle(chunk[j], v))),
          );
      }
    }
    await Promise.all(tasks);
    return results;
  },
};

async function getOne(
  sm: SecretsManagerClient,
  s: AwsSecretsManagerSource,
  ctx: ProviderContext,
): Promise<FetchedValue | SourceError> {
  ctx.countCall("secretsmanager.GetSecretValue");
  try {
    const out = await sm.send(
      new GetSecretValueCommand({ SecretId: s.secretId, VersionId: s.versionId, VersionStage: s.versionStage }),
      { abortSignal: ctx.signal },
    );
    return toValue(out);
  } catch (e) {
    return classifyAwsError(e, ctx.signal);
  }
}

/**
 * Whether a BatchGetSecretValue answer is the secret requested as `id`. Exact only: a full ARN
 * equals the answer's ARN; a partial ARN (no 6-character suffix, which Secrets Manager resolves) equals
 * the answer's ARN without its "-XXXXXX" suffix; a name equals the answer's Name. A prefix test
 * would let `…:secret:db` take `…:secret:db-prod`'s value.
 */
export function answersSecretId(id: string, answer: { ARN?: string; Name?: string }): boolean {
  if (!id.startsWith("arn:")) return answer.Name === id;
  const arn = answer.ARN;
  return arn !== undefined && (arn === id || (/-[A-Za-z0-9]{6}$/.test(arn) && arn.slice(0, -7) === id));
}

async function getBatch(
  sm: SecretsManagerClient,
  region: string,
  sources: AwsSecretsManagerSource[],
  ctx: ProviderContext,
): Promise<(FetchedValue | SourceError)[]> {
  const ids = sources.map((s) => s.secretId);
  const values: NonNullable<BatchGetSecretValueCommandOutput["SecretValues"]> = [];
  const errors: NonNullable<BatchGetSecretValueCommandOutput["Errors"]> = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    ctx.countCall("secretsmanager.BatchGetSecretValue");
    let out: BatchGetSecretValueCommandOutput;
    try {
      out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ids, NextToken: nextToken }), {
        abortSignal: ctx.signal,
      });
    } catch (e) {
      const error = classifyAwsError(e, ctx.signal);
      if ((e as { name?: string })?.name === "AccessDeniedException") {
        ctx.log({
          event: "batch-denied-fallback",
          service: "secretsmanager",
          region: region || undefined,
          secrets: ids.length,
          reason: "AccessDeniedException on BatchGetSecretValue; reading one by one",
        });
        return Promise.all(sources.map((s) => getOne(sm, s, ctx)));
      }
      return ids.map(() => error);
    }
    values.push(...(out.SecretValues ?? []));
    errors.push(...(out.Errors ?? []));
    nextToken = out.NextToken ?? undefined;
  } while (nextToken && ++pages <= ids.length);
  // AWS promises no order: an answer counts only when it matches exactly one id and that id only it.
  // Errors carry the SecretId as it was sent.
  const valueOf = matchOneToOne(ids, values, answersSecretId);
  const errorOf = matchOneToOne(ids, errors, (id, err) => err.SecretId === id);
  const found = ids.map((_, i): FetchedValue | SourceError | undefined => {
    if (valueOf[i] >= 0) return errorOf[i] >= 0 ? undefined : toValue(values[valueOf[i]]);
    return errorOf[i] >= 0 ? classifyBatchErrorCode(errors[errorOf[i]].ErrorCode) : undefined;
  });
  // An id the batch answer did not tie to exactly one answer is read on its own rather than guessed at.
  return Promise.all(found.map((f, i) => f ?? getOne(sm, sources[i], ctx)));
}
