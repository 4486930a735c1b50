import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with the openssl CLI at
 * test time. The fetcher trusts it through NODE_EXTRA_CA_CERTS=`caFile`, as a pod would trust a
 * private CA; nothing in the runtime disables verification.
 */
export interface TestPki {
  /** Directory holding the PEM files; remove with `dispose()`. */
  dir: string;
  caFile: string;
  ca: string;
  cert: string;
  key: string;
  dispose(): void;
}

/** `extraNames`: more subject alternative names (IPs or DNS names), e.g. the real tier's bridge address and a vault's host. */
export function makeTestPki(extraNames: string[] = []): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "sm-pki-"));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=secret-mount test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("server.key"),
    "-out",
    f("server.csr"),
    "-subj",
    "/CN=localhost",
  );
  const names = [
    "IP:127.0.0.1",
    "DNS:localhost",
    ...extraNames.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)),
  ];
  writeFileSync(
    f("ext.cnf"),
    `subjectAltName=${names.join(",")}\n` +
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  ssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.pem"),
    "-days",
    "1",
    "-extfile",
    f("ext.cnf"),
  );
  return {
    dir,
    caFile: f("ca.pem"),
    ca: readFileSync(f("ca.pem"), "utf8"),
    cert: readFileSync(f("server.pem"), "utf8"),
    key: readFileSync(f("server.key"), "utf8"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
