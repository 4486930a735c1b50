/**
 * Fitting the role's read grants into IAM's size quotas (IAM User Guide, "IAM and AWS STS
 * quotas"; IAM does not count whitespace in any of them):
 * - inline policies: 10,240 characters per role, all inline policies together;
 * - a customer managed policy: 6,144 characters;
 * - 10 managed policies attached to a role (20 with a quota increase).
 * Pure: the caller decides at preview with estimated ARNs and builds the documents at `pulumi up`.
 */
import { readPolicy, type KmsGrant, type PolicyDocument } from "./policies";

export interface IamLimits {
  inlinePerRole: number;
  managedPolicy: number;
  managedPerRole: number;
}

export const IAM_LIMITS: IamLimits = { inlinePerRole: 10240, managedPolicy: 6144, managedPerRole: 10 };

/** One secret's grant: its ARN (or `name-??????` pattern) in its store, and its customer key. */
export interface GrantItem {
  store: "secrets-manager" | "ssm-parameter";
  arn: string;
  kms?: KmsGrant;
}

/** The size IAM counts: characters other than whitespace. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s/g, "").length;
}

/** The read policy for some of the role's grants; `batch` when the role reads several secrets in all. */
export function policyFor(items: GrantItem[], batch?: boolean): PolicyDocument {
  return readPolicy({
    secretArns: items.filter((i) => i.store === "secrets-manager").map((i) => i.arn),
    parameterArns: items.filter((i) => i.store === "ssm-parameter").map((i) => i.arn),
    kms: items.flatMap((i) => (i.kms ? [i.kms] : [])),
    ...(batch !== undefined ? { batch } : {}),
  });
}

export interface PolicyLayout {
  /** false: one inline policy holds everything; true: `groups` are customer managed policies. */
  managed: boolean;
  /** Indices into the items, one array per policy document, in declaration order. */
  groups: number[][];
  /** Size (non-whitespace characters) of each group's document. */
  sizes: number[];
  /** Size of the one document holding every grant. */
  totalSize: number;
}

/**
 * One inline policy when everything fits in it; otherwise consecutive items packed into managed
 * policies (next fit: a group's document grows monotonically with its items, so a group sized
 * with upper-bound ARNs still fits with the real, shorter ones).
 */
export function layoutPolicies(items: GrantItem[], limits: IamLimits = IAM_LIMITS): PolicyLayout {
  const batch = items.filter((i) => i.store === "secrets-manager").length > 1;
  const totalSize = policySize(policyFor(items));
  if (totalSize <= limits.inlinePerRole)
    return { managed: false, groups: [items.map((_, i) => i)], sizes: [totalSize], totalSize };
  const groups: number[][] = [];
  const sizes: number[] = [];
  let current: number[] = [];
  let currentSize = 0;
  items.forEach((_, i) => {
    const next = [...current, i];
    const size = policySize(
      policyFor(
        next.map((j) => items[j]),
        batch,
      ),
    );
    if (size <= limits.managedPolicy || current.length === 0) {
      current = next;
      currentSize = size;
    } else {
      groups.push(current);
      sizes.push(currentSize);
      current = [i];
      currentSize = policySize(policyFor([items[i]], batch));
    }
  });
  if (current.length) {
    groups.push(current);
    sizes.push(currentSize);
  }
  return { managed: true, groups, sizes, totalSize };
}

/** Why a layout cannot be attached to one role, or undefined. */
export function layoutProblem(
  layout: PolicyLayout,
  secretCount: number,
  limits: IamLimits = IAM_LIMITS,
): string | undefined {
  const tooBig = layout.sizes.findIndex((s) => s > (layout.managed ? limits.managedPolicy : limits.inlinePerRole));
  if (tooBig >= 0) {
    return `one secret's grant alone needs ${layout.sizes[tooBig]} characters, over IAM's ${limits.managedPolicy} per managed policy; shorten its name`;
  }
  if (layout.groups.length > limits.managedPerRole) {
    return (
      `${secretCount} secrets need a read policy of about ${layout.totalSize} characters: ${layout.groups.length} managed policies of at most ${limits.managedPolicy} characters, ` +
      `over the ${limits.managedPerRole} IAM attaches to one role by default (inline policies: ${limits.inlinePerRole} characters per role). ` +
      `Split the secrets across several workloads, or store related values as JSON keys of one secret and fan them out with files[].jsonKey`
    );
  }
  return undefined;
}
