/**
 * The one piece of ARN parsing the FetchSpec contract and the fetch runtime need (the AWS helpers in
 * components/clouds/aws/arns.ts re-export it). Pure, no imports. Not part of `secret-mount/fetch-spec`.
 */

/** Regions named in ARNs, e.g. arn:aws:secretsmanager:eu-west-1:1111:secret:x -> eu-west-1. */
export function regionOfArn(idOrArn: string): string | undefined {
  const parts = idOrArn.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[3] ? parts[3] : undefined;
}
