import assert from "node:assert/strict";
import * as path from "node:path";
import type { Cluster } from "./cluster";
import { fetchSpecOf, rendered } from "./node-pods";
import { renderedFiles, type KubeObject } from "./rendered";
import { tokenReviewer } from "./service-accounts";
import {
  applyVaultSide,
  enableKubernetesAuth,
  enableKvV2,
  startVault,
  type VaultServer,
  type VaultSide,
} from "./vault";

/** examples/vault on the real node: the real Vault it reads, and what Vault saw of its pod. */

/**
 * The real Vault for examples/vault, set up as its README's prerequisites say a Vault admin does
 * once (KV version 2 at the mount the spec names, the Kubernetes auth method configured for this
 * cluster), then the policy and the role exactly as `npm run render` writes them
 * (vault/<policy>.policy.hcl, vault/<role>.role.json): what `pulumi up` creates with @pulumi/vault.
 */
export async function startExamplesVault(bin: string, cluster: Cluster, bridgeIp: string): Promise<VaultServer> {
  const objects = await rendered("vault");
  const d = objects.find((o) => o.kind === "Deployment")!;
  const spec = fetchSpecOf(d.spec.template.spec);
  const sources: KubeObject[] = spec.files.map((f: KubeObject) => f.source);
  const addresses = [...new Set(sources.map((src) => src.address))];
  assert.equal(addresses.length, 1, `one Vault address in the vault example: ${addresses.join(", ")}`);
  const url = new URL(addresses[0]);
  const v = await startVault(bin, { host: bridgeIp, port: Number(url.port || 443), names: [url.hostname] });
  try {
    for (const mount of new Set(sources.map((src) => src.mount))) await enableKvV2(v, mount);
    const files = await renderedFiles("vault");
    const policies = files.filter((f) => /^vault\/.+\.policy\.hcl$/.test(f.path));
    const roles = files.filter((f) => /^vault\/.+\.role\.json$/.test(f.path));
    assert.equal(policies.length, 1, "the render wrote one Vault policy");
    assert.equal(roles.length, 1, "the render wrote one Kubernetes auth role");
    const { role_name, auth_mount, ...body } = JSON.parse(roles[0].content);
    const side: VaultSide = {
      policy: { name: path.basename(policies[0].path, ".policy.hcl"), hcl: policies[0].content },
      role: { authMount: auth_mount, name: role_name, body },
    };
    assert.deepEqual(
      [...new Set(sources.map((src) => `${src.authMount}/${src.role}`))],
      [`${auth_mount}/${role_name}`],
      "the fetcher logs in to the role the render wrote",
    );
    await enableKubernetesAuth(v, cluster, await tokenReviewer(cluster), auth_mount);
    await applyVaultSide(v, side);
  } catch (e) {
    v.stop();
    throw e;
  }
  return v;
}

/**
 * What the real Vault saw (its audit device) of a Vault workload's pod: a Kubernetes login with the
 * token the kubelet projected for the pod (audience and subject as the role binds them; the audit
 * log holds the token's HMAC, which sys/audit-hash computes), a Vault token carrying the one policy
 * the render wrote, and with that token a read of every declared path, each answered.
 */
export async function assertVaultReads(
  vault: VaultServer,
  projected: (volume: string, file: string) => () => string[],
  fetchSpec: KubeObject,
  d: KubeObject,
): Promise<void> {
  const spec = d.spec.template.spec;
  const volume = spec.volumes.find((v: KubeObject) =>
    v.projected?.sources?.some((s: KubeObject) => s.serviceAccountToken),
  );
  const audience = volume.projected.sources[0].serviceAccountToken.audience;
  const tokens = projected(volume.name, volume.projected.sources[0].serviceAccountToken.path)();
  assert.ok(tokens.length > 0, `the kubelet projected ${volume.name}`);
  const subject = `system:serviceaccount:${d.metadata.namespace}:${spec.serviceAccountName}`;
  const hashes = new Set<string>();
  for (const jwt of tokens) {
    const claims = JSON.parse(Buffer.from(jwt.trim().split(".")[1], "base64url").toString("utf8"));
    if (claims.sub !== subject) continue;
    assert.deepEqual(claims.aud, [audience], "a token for Vault's audience only");
    const r = await vault.api("POST", "/v1/sys/audit-hash/file", { input: jwt.trim() });
    hashes.add(r.body.data?.hash ?? r.body.hash);
  }
  assert.ok(hashes.size > 0, `a projected token of ${subject}`);
  const { authMount } = fetchSpec.files[0].source;
  const responses = vault.audit().filter((e) => e.type === "response");
  const logins = responses.filter(
    (e) => e.request?.path === `auth/${authMount}/login` && hashes.has(e.request?.data?.jwt) && !e.error,
  );
  assert.ok(logins.length >= 1, "the fetcher logged in with the projected token");
  const files = (await renderedFiles("vault")).filter((f) => f.path.endsWith(".policy.hcl"));
  const policy = path.basename(files[0].path, ".policy.hcl");
  for (const l of logins) assert.deepEqual(l.response.auth.policies, [policy], "the role's one policy, no default");
  const accessors = new Set(logins.map((l) => l.response.auth.accessor));
  for (const src of new Set(fetchSpec.files.map((f: KubeObject) => `${f.source.mount}/data/${f.source.path}`))) {
    const reads = responses.filter(
      (e) => e.request?.path === src && accessors.has(e.auth?.accessor) && e.request?.operation === "read",
    );
    assert.ok(reads.length >= 1, `${src} read with the login's token`);
    assert.ok(
      reads.every((e) => !e.error),
      `${src}: ${reads.map((e) => e.error).join(", ")}`,
    );
  }
}
