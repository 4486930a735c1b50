import type { Cluster } from "./cluster";
import type { KubeObject } from "./rendered";

/**
 * Registers a webhook that runs beside the API server (as EKS and AKS run theirs): the project's own
 * MutatingWebhookConfiguration with each in-cluster Service replaced by `url` + the Service's path,
 * and the CA that signed the webhook's serving certificate as caBundle. Returns the registration as
 * the API server stored it; throws (after `onFailure`) when the API server refuses it.
 */
export async function registerWebhookByUrl(
  cluster: Cluster,
  registration: KubeObject,
  url: string,
  caPem: string,
  what: string,
  onFailure: () => void,
): Promise<KubeObject> {
  for (const w of registration.webhooks) {
    w.clientConfig = { url: `${url}${w.clientConfig.service.path}`, caBundle: Buffer.from(caPem).toString("base64") };
  }
  const r = await cluster.request(
    "POST",
    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
    registration,
  );
  if (r.status !== 201) {
    onFailure();
    throw new Error(`registering ${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }
  return r.body;
}
