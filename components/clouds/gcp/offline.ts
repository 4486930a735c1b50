import type { OfflineProvider } from "../../review/offline";

/**
 * What the mocked Google provider answers offline: the provider's project and its number, service
 * account emails and secret version numbers. Used by the offline engine (render, tests).
 */

/** The project the mocked Google provider is configured with (config `gcp:project`, else this). */
export const OFFLINE_GCP_PROJECT = "offline-project";
/** The number of every project the offline engine looks up. */
export const OFFLINE_GCP_PROJECT_NUMBER = "123456789012";

/** Outputs a Google resource gets from its provider, beyond its inputs. */
export function gcpState(type: string, inputs: Record<string, unknown>, project: string): Record<string, unknown> {
  switch (type) {
    case "gcp:serviceaccount/account:Account": {
      const p = (inputs.project as string | undefined) ?? project;
      const email = `${inputs.accountId}@${p}.iam.gserviceaccount.com`;
      return { email, name: `projects/${p}/serviceAccounts/${email}`, member: `serviceAccount:${email}` };
    }
    case "gcp:secretmanager/secretVersion:SecretVersion":
    case "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion":
      return { version: "1" };
    default:
      return {};
  }
}

/** Answers of Google invokes, or undefined for a token this module does not know. */
export function gcpCall(
  token: string,
  inputs: Record<string, unknown>,
  project: string,
): Record<string, unknown> | undefined {
  if (token !== "gcp:organizations/getProject:getProject") return undefined;
  const projectId = (inputs.projectId as string | undefined) ?? project;
  return { id: `projects/${projectId}`, projectId, number: OFFLINE_GCP_PROJECT_NUMBER, name: projectId };
}

/** The mocked Google provider, as the offline engine reaches it (through the platform registry). */
export const GCP_OFFLINE: OfflineProvider = {
  state: (type, _name, inputs, scope) =>
    type.startsWith("gcp:") ? gcpState(type, inputs, scope.gcpProject ?? OFFLINE_GCP_PROJECT) : {},
  call: (token, inputs, scope) => gcpCall(token, inputs, scope.gcpProject ?? OFFLINE_GCP_PROJECT),
};
