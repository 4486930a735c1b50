import { execFileSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, killGroup, startGuarded } from "./cluster";

/**
 * A real moto server (PyPI `moto[server]`, built into the tool cache by tools/build.sh) on
 * loopback, with moto's IAM-like access control on: `INITIAL_NO_AUTH_ACTION_COUNT=3` (moto's
 * documented switch, docs/iam.rst "IAM-like Access Control") lets exactly the first three requests
 * through unauthenticated; they make an admin user with an access key and an inline `*` policy, and
 * every later request must be signed (SigV4) by a known key and allowed by its principal's policies.
 * Calls to moto go through boto3 (helpers/moto-client.py, in moto's own venv), never our signing.
 */

/** AWS credentials (an access key, or an assumed role's session). */
export interface AwsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
}

export interface Call {
  service: string;
  /** boto3's method name, e.g. `create_role`. */
  method: string;
  params?: Record<string, unknown>;
}

export type CallResult = { ok: any; error?: undefined } | { ok?: undefined; error: AwsError };

export interface AwsError {
  code: string | null;
  message: string | null;
  status: number | null;
}

/** One request moto received, from its recorder (moto-api/recorder). */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface MotoServer {
  endpoint: string;
  region: string;
  accountId: string;
  /** The admin made at start: an IAM user with an inline Allow * on *. */
  admin: AwsCredentials;
  /** boto3 calls, in order, as `credentials` (admin by default; null: unsigned). */
  call(calls: Call[], credentials?: AwsCredentials | null): CallResult[];
  /** One call that must succeed; its answer. */
  must(service: string, method: string, params?: Record<string, unknown>, credentials?: AwsCredentials | null): any;
  /**
   * moto's /moto-api/reset-auth: the next `n` requests are let through unchecked, every later one is
   * checked (Infinity: none is checked).
   */
  resetAuth(n: number): Promise<void>;
  /** Forgets what was recorded and records from now on. */
  startRecording(): Promise<void>;
  /** What moto recorded since startRecording, in the order it received it. */
  recording(): Promise<RecordedRequest[]>;
  /** moto's view of its models (/moto-api/data.json): e.g. `sts.AssumedRole`. */
  data(): Promise<Record<string, Record<string, any[]>>>;
  /** The tail of the server's log (for a failure message). */
  logTail(): string;
  stop(): void;
}

export async function startMoto(bin: string, opts: { accountId: string; region: string }): Promise<MotoServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-moto-"));
  const python = path.join(path.dirname(bin), "..", "venv", "bin", "python");
  const client = path.join(__dirname, "moto-client.py");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "moto.log");
  const server: ChildProcess = startGuarded(bin, ["-H", "127.0.0.1", "-p", String(port)], logFile, {
    PATH: process.env.PATH,
    HOME: dir,
    // Every resource is in this account, whoever signs (moto's PRIO 1 for the account id).
    MOTO_ACCOUNT_ID: opts.accountId,
    INITIAL_NO_AUTH_ACTION_COUNT: "3",
    MOTO_RECORDER_FILEPATH: path.join(dir, "recording.jsonl"),
  });
  const stop = () => killGroup(server);
  process.once("exit", stop);
  const logTail = () =>
    fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n") : "";

  const api = async (p: string, method = "GET", body?: string): Promise<Response> =>
    fetch(`${endpoint}${p}`, {
      method,
      body,
      // moto reads the raw body (request.data): not a form.
      headers: body === undefined ? {} : { "content-type": "text/plain" },
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`moto_server did not start:\n${logTail()}`);
    }
    if (
      await api("/moto-api/reset-auth").then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }

  const call = (calls: Call[], credentials: AwsCredentials | null): CallResult[] => {
    const out = execFileSync(python, [client], {
      input: JSON.stringify({ endpoint, region: opts.region, credentials, calls }),
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    });
    return JSON.parse(out) as CallResult[];
  };
  // The three requests moto lets through: an admin user, its key, its policy.
  const boot = call(
    [
      { service: "iam", method: "create_user", params: { UserName: "moto-admin" } },
      { service: "iam", method: "create_access_key", params: { UserName: "moto-admin" } },
      {
        service: "iam",
        method: "put_user_policy",
        params: {
          UserName: "moto-admin",
          PolicyName: "everything",
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
          }),
        },
      },
    ],
    { AccessKeyId: "AKIABOOTSTRAP0000000", SecretAccessKey: "bootstrap" },
  );
  const failed = boot.find((r) => r.error);
  if (failed) {
    stop();
    throw new Error(`moto: making the admin failed: ${JSON.stringify(failed.error)}\n${logTail()}`);
  }
  const key = boot[1].ok.AccessKey;
  const admin: AwsCredentials = { AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey };

  const expectOk = async (r: Response, what: string) => {
    if (!r.ok) throw new Error(`moto ${what}: HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
    return r;
  };
  return {
    endpoint,
    region: opts.region,
    accountId: opts.accountId,
    admin,
    call: (calls, credentials = admin) => call(calls, credentials),
    must(service, method, params = {}, credentials = admin) {
      const [r] = call([{ service, method, params }], credentials);
      if (r.error) throw new Error(`moto ${service}.${method}: ${JSON.stringify(r.error)}`);
      return r.ok;
    },
    async resetAuth(n) {
      await expectOk(await api("/moto-api/reset-auth", "POST", n === Infinity ? "inf" : String(n)), "reset-auth");
    },
    async startRecording() {
      await expectOk(await api("/moto-api/recorder/reset-recording", "POST"), "reset-recording");
      await expectOk(await api("/moto-api/recorder/start-recording", "POST"), "start-recording");
    },
    async recording() {
      const text = await (await expectOk(await api("/moto-api/recorder/download-recording"), "recording")).text();
      return text
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => {
          const e = JSON.parse(l) as RecordedRequest & { body_encoded?: boolean };
          return {
            method: e.method,
            url: e.url,
            headers: e.headers,
            body: e.body_encoded ? Buffer.from(e.body, "base64").toString("utf8") : (e.body ?? ""),
          };
        });
    },
    async data() {
      return (await (await expectOk(await api("/moto-api/data.json"), "data.json")).json()) as Record<
        string,
        Record<string, any[]>
      >;
    },
    logTail,
    stop() {
      stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The header `name` of a recorded request, whatever its case. */
export function header(r: RecordedRequest, name: string): string | undefined {
  const k = Object.keys(r.headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : r.headers[k];
}

/** What a recorded request asked: `sts.AssumeRoleWithWebIdentity`, `secretsmanager.BatchGetSecretValue`, … */
export function operationOf(r: RecordedRequest): string {
  const target = header(r, "x-amz-target");
  if (target) {
    const [prefix, op] = target.split(".");
    return `${prefix === "AmazonSSM" ? "ssm" : prefix}.${op}`;
  }
  const form = new URLSearchParams(r.body);
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(header(r, "authorization") ?? "");
  return `${scope?.[1] ?? (form.get("Version") === "2011-06-15" ? "sts" : "?")}.${form.get("Action")}`;
}

/** The access key id a recorded request was signed with (SigV4's Credential=), if signed. */
export function signingKeyOf(r: RecordedRequest): string | undefined {
  return /Credential=([^/]+)\//.exec(header(r, "authorization") ?? "")?.[1];
}
