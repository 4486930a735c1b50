/** The account, region and project the offline engine's mocked providers answer with. */
export interface OfflineScope {
  accountId: string;
  region: string;
  partition: string;
  dnsSuffix: string;
  /** The Google provider's project (config `gcp:project`). */
  gcpProject?: string;
}
