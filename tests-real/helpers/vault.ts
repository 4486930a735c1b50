import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { makeTestPki, type TestPki } from "../../tests/runtime/doubles/tls";
import { freePort, killGroup, startGuarded, type Cluster } from "./cluster";

/**
 * A real HashiCorp Vault server (built by tools/build.sh) on loopback: file storage in a temp
 * directory, TLS with a certificate from a CA made at test time (openssl), initialised with one
 * unseal key and unsealed through its own HTTP API, a file audit device on. Everything is done
 * with Vault's HTTP API as its docs describe it; the root token stays in this process.
 */

export interface VaultResponse {
  status: number;
  /** The parsed JSON body (Vault answers JSON; 204 has none). */
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface VaultServer {
  /** https://<host>:<port> (host 127.0.0.1 unless the listener names another) */
  address: string;
  /** PEM file of the test CA that signed Vault's serving certificate (the fetcher's VAULT_CACERT). */
  caFile: string;
  dir: string;
  /** Vault's file audit device (request and response of every call; values HMAC'd, accessors plain). */
  auditFile: string;
  /** One call to Vault's HTTP API; `token` defaults to the root token, `null` sends none. */
  api(method: string, apiPath: string, body?: unknown, token?: string | null): Promise<VaultResponse>;
  /** The audit device's entries so far, parsed. Never print them whole: they hold HMACs of values. */
  audit(): any[];
  stop(): void;
}

function request(
  address: string,
  ca: string,
  method: string,
  apiPath: string,
  body: unknown,
  token: string | undefined,
): Promise<VaultResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${address}${apiPath}`,
      {
        method,
        ca,
        headers: {
          ...(token ? { "X-Vault-Token": token } : {}),
          ...(payload ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Fails with Vault's own errors (error texts, never values) unless the status is one of `ok`. */
export function expectStatus(r: VaultResponse, what: string, ok: number[] = [200, 204]): VaultResponse {
  if (!ok.includes(r.status))
    throw new Error(`Vault ${what}: HTTP ${r.status} ${JSON.stringify(r.body?.errors ?? r.body)}`);
  return r;
}

/** Where Vault listens: loopback by default; the real node's tests give the pod network's bridge. */
export interface VaultListener {
  /** The address it binds (default 127.0.0.1). */
  host?: string;
  /** Its port (default: a free one). */
  port?: number;
  /** Host names its certificate names besides `host` (the address pods are given, e.g. vault.vault.svc). */
  names?: string[];
}

export async function startVault(bin: string, listener: VaultListener = {}): Promise<VaultServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-vault-"));
  const host = listener.host ?? "127.0.0.1";
  const pki: TestPki = makeTestPki([...(host === "127.0.0.1" ? [] : [host]), ...(listener.names ?? [])]);
  const [port, clusterPort] = [listener.port ?? (await freePort()), await freePort()];
  const address = `https://${host}:${port}`;
  const auditFile = path.join(dir, "audit.log");
  fs.writeFileSync(path.join(dir, "server.pem"), pki.cert);
  fs.writeFileSync(path.join(dir, "server.key"), pki.key, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, "vault.hcl"),
    `
storage "file" {
  path = "${path.join(dir, "data")}"
}
listener "tcp" {
  address         = "${host}:${port}"
  cluster_address = "127.0.0.1:${clusterPort}"
  tls_cert_file   = "${path.join(dir, "server.pem")}"
  tls_key_file    = "${path.join(dir, "server.key")}"
}
api_addr      = "${address}"
cluster_addr  = "https://127.0.0.1:${clusterPort}"
disable_mlock = true
ui            = false
log_level     = "warn"
`,
  );
  const server: ChildProcess = startGuarded(
    bin,
    ["server", `-config=${path.join(dir, "vault.hcl")}`],
    path.join(dir, "vault.log"),
  );
  const stop = () => {
    killGroup(server);
    pki.dispose();
  };
  process.once("exit", stop);
  const logTail = () =>
    fs.existsSync(path.join(dir, "vault.log"))
      ? fs.readFileSync(path.join(dir, "vault.log"), "utf8").trim().split("\n").slice(-8).join("\n")
      : "";

  let rootToken = "";
  const api = (method: string, apiPath: string, body?: unknown, token?: string | null) =>
    request(address, pki.ca, method, apiPath, body, token === null ? undefined : (token ?? rootToken));

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null || Date.now() > deadline)
        throw new Error(`vault server did not start:\n${logTail()}`);
      const health = await api("GET", "/v1/sys/health", undefined, null).catch(() => undefined);
      // 501: not initialised, as sys/health documents.
      if (health?.status === 501) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const init = expectStatus(
      await api("PUT", "/v1/sys/init", { secret_shares: 1, secret_threshold: 1 }, null),
      "sys/init",
    );
    rootToken = init.body.root_token;
    const unseal = expectStatus(
      await api("PUT", "/v1/sys/unseal", { key: init.body.keys_base64[0] }, null),
      "sys/unseal",
    );
    if (unseal.body.sealed !== false) throw new Error("vault stayed sealed after the unseal key");
    for (;;) {
      if (Date.now() > deadline) throw new Error(`vault did not become active:\n${logTail()}`);
      const health = await api("GET", "/v1/sys/health", undefined, null);
      if (health.status === 200) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    // Accessors in clear (they name a token, they are not one), every value HMAC'd.
    expectStatus(
      await api("PUT", "/v1/sys/audit/file", {
        type: "file",
        options: { file_path: auditFile, hmac_accessor: "false" },
      }),
      "sys/audit/file",
    );
  } catch (e) {
    stop();
    throw e;
  }
  fs.writeFileSync(path.join(dir, "ca.pem"), pki.ca);
  fs.chmodSync(dir, 0o755);
  return {
    address,
    caFile: path.join(dir, "ca.pem"),
    dir,
    auditFile,
    api,
    audit: () =>
      fs
        .readFileSync(auditFile, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    stop,
  };
}

/** A KV version 2 secrets engine at `mount` (sys/mounts, options.version "2"). */
export async function enableKvV2(vault: VaultServer, mount: string): Promise<void> {
  expectStatus(
    await vault.api("POST", `/v1/sys/mounts/${mount}`, { type: "kv", options: { version: "2" } }),
    `enable kv-v2 at ${mount}`,
  );
}

/** Writes a new version of `<mount>/data/<secretPath>`; returns its version number. */
export async function writeKv(
  vault: VaultServer,
  mount: string,
  secretPath: string,
  data: Record<string, string>,
): Promise<number> {
  // A just-mounted KV v2 engine refuses writes while it sets itself up ("upgrading"): retry briefly.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await vault.api("POST", `/v1/${mount}/data/${secretPath}`, { data });
    if (r.status === 200) return r.body.data.version as number;
    if (Date.now() > deadline || !JSON.stringify(r.body?.errors ?? "").includes("upgrad"))
      expectStatus(r, `write ${mount}/data/${secretPath}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

/**
 * Vault's Kubernetes auth method at `mount`, configured against the real kube-apiserver: its URL,
 * its serving CA (kubernetes_ca_cert), and a reviewer JWT with which Vault calls the API server's
 * TokenReview. Vault does not run in the cluster, so no local service-account files are read.
 */
export async function enableKubernetesAuth(
  vault: VaultServer,
  cluster: Cluster,
  reviewerJwt: string,
  mount = "kubernetes",
): Promise<void> {
  expectStatus(await vault.api("POST", `/v1/sys/auth/${mount}`, { type: "kubernetes" }), `enable auth ${mount}`);
  expectStatus(
    await vault.api("POST", `/v1/auth/${mount}/config`, {
      kubernetes_host: cluster.url,
      kubernetes_ca_cert: fs.readFileSync(path.join(cluster.dir, "certs", "apiserver.crt"), "utf8"),
      token_reviewer_jwt: reviewerJwt,
      disable_local_ca_jwt: true,
    }),
    `configure auth/${mount}`,
  );
}

/**
 * The body of Vault's `POST /v1/auth/<mount>/role/<name>` (Kubernetes auth method API), as one
 * declaration renders it: the ServiceAccount name and namespace it is bound to, the token audience,
 * the token TTLs and its one policy.
 */
export interface VaultKubernetesRole {
  bound_service_account_names: string[];
  bound_service_account_namespaces: string[];
  audience: string;
  token_ttl: number;
  token_max_ttl: number;
  token_policies: string[];
  /** Tokens carry exactly `token_policies` (no `default` policy). */
  token_no_default_policy?: boolean;
}

/** What one declaration makes on the Vault side: an ACL policy (HCL, as Vault stores it) and a Kubernetes auth role. */
export interface VaultSide {
  policy: { name: string; hcl: string };
  role: { authMount: string; name: string; body: VaultKubernetesRole };
}

/** Writes the policy (sys/policies/acl) and the role (auth/<mount>/role) with Vault's HTTP API. */
export async function applyVaultSide(vault: VaultServer, side: VaultSide): Promise<void> {
  expectStatus(
    await vault.api("PUT", `/v1/sys/policies/acl/${side.policy.name}`, { policy: side.policy.hcl }),
    `write policy ${side.policy.name}`,
  );
  expectStatus(
    await vault.api("POST", `/v1/auth/${side.role.authMount}/role/${side.role.name}`, side.role.body),
    `write role ${side.role.name}`,
  );
}
