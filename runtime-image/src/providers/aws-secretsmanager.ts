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
import type { AwsSecretsManagerSource } from "../../../components/spec/fetch-spec";
import { regionOfArn } from "../../../components/aws/arns";
import { clientPerRegion } from "./aws-client-options";
import { classifyAwsError, classifyBatchErrorCode } from "./aws-errors";
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
      results[i] = v instanceof SourceError ? { ok: false, error: v, attempts: 1, ms: Date.now() - started } : { ok: true, value: v, attempts: 1, ms: Date.now() - started };
    };
    const tasks: Promise<void>[] = [];
    for (const [region, indices] of groupIndices(sources, (s) => s.region ?? regionOfArn(s.secretId) ?? "")) {
      const sm = client(region, ctx.env);
      const inBatch = indices.filter((i) => batchable(sources[i]));
      const single = indices.filter((i) => !batchable(sources[i]) || inBatch.length === 1);
      for (const i of single) tasks.push(getOne(sm, sources[i], ctx).then((v) => settle(i, v)));
      if (inBatch.length > 1) {
        for (const chunk of chunks(inBatch, BATCH_LIMIT)) tasks.push(getBatch(sm, region, chunk.map((i) => sources[i]), ctx).then((vs) => vs.forEach((v, j) => settle(chunk[j], v))));
      }
    }
    await Promise.all(tasks);
    return results;
  },
};

async function getOne(sm: SecretsManagerClient, s: AwsSecretsManagerSource, ctx: ProviderContext): Promise<FetchedValue | SourceError> {
  ctx.countCall("secretsmanager.GetSecretValue");
  try {
    const out = await sm.send(new GetSecretValueCommand({ SecretId: s.secretId, VersionId: s.versionId, VersionStage: s.versionStage }), { abortSignal: ctx.signal });
    return toValue(out);
  } catch (e) {
    return classifyAwsError(e, ctx.signal);
  }
}

async function getBatch(sm: SecretsManagerClient, region: string, sources: AwsSecretsManagerSource[], ctx: ProviderContext): Promise<(FetchedValue | SourceError)[]> {
  const ids = sources.map((s) => s.secretId);
  const found: (FetchedValue | SourceError | undefined)[] = new Array(ids.length).fill(undefined);
  const indexOf = (name?: string, arn?: string) => ids.findIndex((id, i) => found[i] === undefined && (id === name || id === arn || (arn !== undefined && id.startsWith("arn:") && arn.startsWith(id))));
  let nextToken: string | undefined;
  do {
    ctx.countCall("secretsmanager.BatchGetSecretValue");
    let out: BatchGetSecretValueCommandOutput;
    try {
      out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ids, NextToken: nextToken }), { abortSignal: ctx.signal });
    } catch (e) {
      const error = classifyAwsError(e, ctx.signal);
      if ((e as { name?: string })?.name === "AccessDeniedException") {
        ctx.log({ event: "batch-denied-fallback", service: "secretsmanager", region: region || undefined, secrets: ids.length, reason: "AccessDeniedException on BatchGetSecretValue; reading one by one" });
        return Promise.all(sources.map((s) => getOne(sm, s, ctx)));
      }
      return ids.map(() => error);
    }
    for (const v of out.SecretValues ?? []) {
      const i = indexOf(v.Name, v.ARN);
      if (i >= 0) found[i] = toValue(v);
    }
    for (const err of out.Errors ?? []) {
      const i = ids.findIndex((id, j) => found[j] === undefined && id === err.SecretId);
      if (i >= 0) found[i] = classifyBatchErrorCode(err.ErrorCode);
    }
    nextToken = out.NextToken ?? undefined;
  } while (nextToken && found.some((f) => f === undefined));
  // An id the batch answer did not mention is read on its own rather than guessed at.
  return Promise.all(found.map((f, i) => f ?? getOne(sm, sources[i], ctx)));
}
