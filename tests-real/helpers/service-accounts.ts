import type { Cluster, KubeResponse } from "./cluster";

/** Namespaces, ServiceAccounts and their tokens on the real kube-apiserver (TokenRequest API). */

function expect(r: KubeResponse, what: string, ok: number[] = [200, 201]): KubeResponse {
  if (!ok.includes(r.status))
    throw new Error(
      `${what}: HTTP ${r.status} ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}`,
    );
  return r;
}

export async function createNamespace(cluster: Cluster, name: string): Promise<void> {
  expect(
    await cluster.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    `namespace ${name}`,
    [201, 409],
  );
}

export async function createServiceAccount(cluster: Cluster, namespace: string, name: string): Promise<void> {
  await createNamespace(cluster, namespace);
  expect(
    await cluster.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name },
    }),
    `serviceaccount ${namespace}/${name}`,
  );
}

/**
 * A token the API server signs for `namespace/name` (TokenRequest), for `audiences` (absent: the
 * API server's own audience), valid `seconds` (the API server's minimum is 600).
 */
export async function requestToken(
  cluster: Cluster,
  namespace: string,
  name: string,
  audiences?: string[],
  seconds = 600,
): Promise<string> {
  const r = expect(
    await cluster.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { ...(audiences ? { audiences } : {}), expirationSeconds: seconds },
    }),
    `token for ${namespace}/${name}`,
  );
  return r.body.status.token as string;
}

/**
 * The identity Vault calls TokenReview with: its own ServiceAccount bound to the built-in
 * `system:auth-delegator` ClusterRole (create tokenreviews and subjectaccessreviews, nothing else),
 * and a token for it with the API server's audience.
 */
export async function tokenReviewer(
  cluster: Cluster,
  namespace = "vault-system",
  name = "vault-token-reviewer",
): Promise<string> {
  await createServiceAccount(cluster, namespace, name);
  expect(
    await cluster.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${name}-auth-delegator` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    }),
    "clusterrolebinding to system:auth-delegator",
  );
  return requestToken(cluster, namespace, name, undefined, 3600);
}
