import { spawnSync } from "node:child_process";
import * as path from "node:path";

/**
 * botocore's client-side parameter validation (the AWS CLI's) for one API request: the errors it
 * reports, "" when the request is valid. Needs python3 with botocore (installed on CI machines).
 */
export function botocoreErrors(
  service: string,
  operation: string,
  params: unknown,
): { version: string; errors: string } {
  const r = spawnSync("python3", [path.join(__dirname, "botocore-validate.py")], {
    input: JSON.stringify({ service, operation, params }),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0)
    throw new Error(
      `botocore validation did not run (is python3 with botocore installed?): ${r.error?.message ?? r.stderr}`,
    );
  const out = JSON.parse(r.stdout) as { botocore: string; errors: string };
  return { version: out.botocore, errors: out.errors };
}
