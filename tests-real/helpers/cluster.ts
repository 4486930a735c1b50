import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A real etcd + kube-apiserver on loopback: service-account keys made with openssl, a token-file
 * admin, RBAC, the ServiceAccount admission plugin, and Pod Security admission configured to
 * enforce and warn the restricted profile for every namespace by default. Optionally a
 * kube-controller-manager (Deployments make ReplicaSets and Pods, garbage collection, namespace
 * finalization). No scheduler or kubelet here: helpers/node.ts adds a real node (a kubelet that
 * authenticates with a client certificate signed by `clientCA`, as system:node:<name> in
 * system:nodes, authorized by the Node authorizer and NodeRestriction, as kubeadm sets it up).
 */

export const ADMIN_TOKEN_USER = "secret-mount-admin";

export interface KubeResponse {
  status: number;
  body: any;
  /** The `Warning` headers the server sent (deprecations, PSA warn, unknown fields when not strict). */
  warnings: string[];
}

export interface Cluster {
  url: string;
  token: string;
  dir: string;
  /** A kubeconfig for the admin user, the server's self-signed serving certificate as its authority. */
  kubeconfig: string;
  /** Whether a kube-controller-manager runs beside the server. */
  controllers: boolean;
  /** The CA the server trusts for client certificates (--client-ca-file): a node's identity is signed by it. */
  clientCA: { cert: string; key: string };
  /** The server's self-signed serving certificate (a client's certificate authority). */
  servingCA: string;
  request(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<KubeResponse>;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts one server in its own process group under a watchdog shell: when this Node process dies
 * (even by SIGKILL, when no exit handler runs), the watchdog kills the server within a second.
 */
export function startGuarded(
  bin: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const script =
    'server="$1"; shift; "$server" "$@" & child=$!; ' +
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; ` +
    'kill "$child" 2>/dev/null; sleep 2; kill -9 "$child" 2>/dev/null; wait';
  const log = fs.openSync(logFile, "a");
  const child = spawn("bash", ["-c", script, "guard", bin, ...args], {
    detached: true,
    stdio: ["ignore", log, log],
    env,
  });
  fs.closeSync(log);
  child.unref();
  return child;
}

/**
 * A key and a certificate for `subject` (openssl `-subj`), signed by the cluster's client CA for a
 * day, written into `dir` as `<name>.key` and `<name>.crt`; `extensions` (openssl extfile lines,
 * e.g. a subjectAltName) when the certificate serves rather than authenticates.
 */
export function signedByClientCA(
  cluster: Pick<Cluster, "clientCA">,
  dir: string,
  name: string,
  subject: string,
  extensions?: string,
): { key: string; crt: string } {
  const [key, csr, crt, ext] = [".key", ".csr", ".crt", ".ext"].map((x) => path.join(dir, `${name}${x}`));
  execFileSync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject], {
    stdio: "ignore",
  });
  if (extensions !== undefined) fs.writeFileSync(ext, extensions);
  execFileSync(
    "openssl",
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      cluster.clientCA.cert,
      "-CAkey",
      cluster.clientCA.key,
      "-CAcreateserial",
      "-out",
      crt,
      "-days",
      "1",
      ...(extensions !== undefined ? ["-extfile", ext] : []),
    ],
    { stdio: "ignore" },
  );
  return { key, crt };
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    // SIGKILL: the data is throwaway, and a kube-apiserver told to stop gracefully can wait on an
    // etcd that stopped with it. The guard shell is in the same group and goes too.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

const PSA_ADMISSION = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: restricted
        enforce-version: latest
        warn: restricted
        warn-version: latest
        audit: restricted
        audit-version: latest
      exemptions:
        usernames: []
        runtimeClasses: []
        namespaces: []
`;

function kubeconfigYaml(url: string, ca: string, token: string): string {
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      "current-context": "test",
      clusters: [{ name: "test", cluster: { server: url, "certificate-authority": ca } }],
      users: [{ name: "admin", user: { token } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
    },
    null,
    2,
  );
}

export async function startCluster(
  etcdBin: string,
  apiserverBin: string,
  controllerManagerBin?: string,
  /**
   * The `iss` of the ServiceAccount tokens it signs (--service-account-issuer); default the
   * in-cluster name. An EKS cluster's is `https://oidc.eks.<region>.amazonaws.com/id/<ID>`.
   */
  serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local",
): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-kube-"));
  const token = execFileSync("openssl", ["rand", "-hex", "24"], { encoding: "utf8" }).trim();
  execFileSync("openssl", ["genrsa", "-out", path.join(dir, "sa.key"), "2048"], { stdio: "ignore" });
  execFileSync("openssl", ["rsa", "-in", path.join(dir, "sa.key"), "-pubout", "-out", path.join(dir, "sa.pub")], {
    stdio: "ignore",
  });
  fs.writeFileSync(
    path.join(dir, "tokens.csv"),
    `${token},${ADMIN_TOKEN_USER},${ADMIN_TOKEN_USER},"system:masters"\n`,
    { mode: 0o600 },
  );
  fs.writeFileSync(path.join(dir, "admission.yaml"), PSA_ADMISSION);
  const clientCA = { cert: path.join(dir, "client-ca.crt"), key: path.join(dir, "client-ca.key") };
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      clientCA.key,
      "-out",
      clientCA.cert,
      "-days",
      "2",
      "-subj",
      "/CN=secret-mount-test-client-ca",
    ],
    { stdio: "ignore" },
  );

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const etcd = startGuarded(
    etcdBin,
    [
      "--name=test",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    path.join(dir, "etcd.log"),
  );
  const apiserver = startGuarded(
    apiserverBin,
    [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, "certs")}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      `--service-account-key-file=${path.join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
      `--service-account-issuer=${serviceAccountIssuer}`,
      "--service-cluster-ip-range=10.96.0.0/24",
      `--client-ca-file=${clientCA.cert}`,
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,NodeRestriction,PodSecurity",
      `--admission-control-config-file=${path.join(dir, "admission.yaml")}`,
      // Privileged containers pass API validation, so a privileged pod is refused by Pod Security
      // admission itself (the negative control checks who refused it).
      "--allow-privileged=true",
      "--v=0",
    ],
    path.join(dir, "kube-apiserver.log"),
  );

  const url = `https://127.0.0.1:${apiPort}`;
  const request = (
    method: string,
    urlPath: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = https.request(
        `${url}${urlPath}`,
        {
          method,
          // The server's serving certificate is self-signed for this run, on loopback only.
          rejectUnauthorized: false,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            ...(payload ? { "content-type": contentType } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            const w = res.headers.warning;
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* plain text body */
            }
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              warnings: w === undefined ? [] : Array.isArray(w) ? w : [w],
            });
          });
        },
      );
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });

  let controllerManager: ChildProcess | undefined;
  const stop = () => {
    if (controllerManager) killGroup(controllerManager);
    killGroup(apiserver);
    killGroup(etcd);
  };
  process.once("exit", stop);

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (apiserver.exitCode !== null || etcd.exitCode !== null || Date.now() > deadline) {
      stop();
      const tail = (f: string) =>
        fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n").slice(-8).join("\n") : "";
      throw new Error(
        `kube-apiserver did not become ready:\n${tail(path.join(dir, "etcd.log"))}\n${tail(path.join(dir, "kube-apiserver.log"))}`,
      );
    }
    const ready = await request("GET", "/readyz").catch(() => undefined);
    if (ready?.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // kube-apiserver wrote its self-signed serving certificate (with its CA) into --cert-dir.
  const kubeconfig = path.join(dir, "admin.kubeconfig");
  fs.writeFileSync(kubeconfig, kubeconfigYaml(url, path.join(dir, "certs", "apiserver.crt"), token), { mode: 0o600 });
  if (controllerManagerBin) {
    controllerManager = startGuarded(
      controllerManagerBin,
      [
        `--kubeconfig=${kubeconfig}`,
        "--leader-elect=false",
        "--secure-port=0",
        `--service-account-private-key-file=${path.join(dir, "sa.key")}`,
        `--root-ca-file=${path.join(dir, "certs", "apiserver.crt")}`,
        "--v=0",
      ],
      path.join(dir, "kube-controller-manager.log"),
    );
  }
  return {
    url,
    token,
    dir,
    kubeconfig,
    controllers: controllerManagerBin !== undefined,
    clientCA,
    servingCA: path.join(dir, "certs", "apiserver.crt"),
    request,
    stop,
  };
}
