/** The account, region and project the offline engine's mocked providers answer with. */
export interface OfflineScope {
  accountId: string;
  region: string;
  partition: string;
  dnsSuffix: string;
  /** The Google provider's project (config `gcp:project`). */
  gcpProject?: string;
}

/** Records a value the mocked provider invented (an ARN, a generated name), so the review can label it; returns it. */
export type Invent = (value: string, what: string) => string;

/** What one cloud's (or platform's) mocked provider answers offline, beyond a resource's inputs. */
export interface OfflineProvider {
  /** Outputs a resource of `type` gets (an empty object for types it does not know). */
  state?(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    scope: OfflineScope,
    invent: Invent,
  ): Record<string, unknown>;
  /** The answer to an invoke, or undefined for a token it does not know. */
  call?(token: string, inputs: Record<string, unknown>, scope: OfflineScope): Record<string, unknown> | undefined;
}
