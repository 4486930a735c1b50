import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { parse } from "yaml";
import { freePort, killGroup, signedByClientCA, startGuarded, type Cluster } from "./cluster";
import type { KubeObject } from "./rendered";
import { registerWebhookByUrl } from "./webhook-registration";

/**
 * EKS's pod identity webhook (github.com/aws/amazon-eks-pod-identity-webhook, built by
 * tools/build.sh) beside the real tier's API server, as EKS runs it: out of the cluster, on the
 * control plane's loopback, registered by URL. Its serving certificate is signed by the tier's CA
 * (the cluster's client CA), which the registration names as its caBundle. The registration is the
 * project's own deploy/mutatingwebhook.yaml (failurePolicy Ignore, the
 * `eks.amazonaws.com/skip-pod-identity-webhook` objectSelector, pods CREATE, AdmissionReview
 * v1beta1), its in-cluster Service replaced by that URL.
 */
export interface EksWebhook {
  /** The MutatingWebhookConfiguration as registered. */
  registration: KubeObject;
  logs(): string;
  stop(): void;
}

function get(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    https
      .get(url, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", () => resolve(0));
  });
}

/** The cluster's region, as EKS passes it (--aws-default-region; --sts-regional-endpoint). */
export async function startEksWebhook(cluster: Cluster, bin: string, dir: string, region: string): Promise<EksWebhook> {
  fs.mkdirSync(dir, { recursive: true });
  const { key, crt } = signedByClientCA(
    cluster,
    dir,
    "webhook",
    "/CN=pod-identity-webhook",
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  const ca = fs.readFileSync(cluster.clientCA.cert, "utf8");
  const [port, metricsPort] = [await freePort(), await freePort()];
  const log = path.join(dir, "pod-identity-webhook.log");
  const child = startGuarded(
    bin,
    [
      "--in-cluster=false",
      `--kubeconfig=${cluster.kubeconfig}`,
      `--tls-cert=${crt}`,
      `--tls-key=${key}`,
      `--port=${port}`,
      `--metrics-port=${metricsPort}`,
      `--aws-default-region=${region}`,
      "--sts-regional-endpoint=true",
      "--logtostderr",
      "--v=4", // which pods it mutated, which containers it skipped
    ],
    log,
  );
  const logs = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  const stop = () => killGroup(child);
  const url = `https://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while ((await get(`${url}/healthz`, ca)) !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(
        `the pod identity webhook did not answer on ${url}/healthz:\n${logs().split("\n").slice(-10).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const registration = parse(
    fs.readFileSync(path.join(path.dirname(bin), "mutatingwebhook.yaml"), "utf8"),
  ) as KubeObject;
  delete registration.metadata.annotations; // cert-manager's CA injection: the caBundle is set here
  const registered = await registerWebhookByUrl(cluster, registration, url, ca, "the pod identity webhook", stop);
  return { registration: registered, logs, stop };
}
