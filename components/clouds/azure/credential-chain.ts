import * as pulumi from "@pulumi/pulumi";

/**
 * Federated credentials this program declares on each existing identity. Azure answers 409 when
 * two credentials are created on one identity at the same time, so each waits for the one declared
 * before it; and it allows 20 per identity, so the count is checked at preview.
 *
 * An identity given as an Output is known only when it resolves: its credential waits for every
 * credential declared before it on any existing identity, and every later one waits for it (the
 * order of creation cannot depend on a value). It is counted when its id resolves.
 *
 * Kept per Pulumi program run (the engine connection), so repeated runs in one process (tests) do
 * not count each other's credentials.
 */
interface Chain {
  count: number;
  last?: pulumi.Resource;
}

interface Run {
  /** Credentials on identities known at preview, by id. */
  chains: Map<string, Chain>;
  /** The last credential on an identity known only when its id resolves. */
  lastUnresolved?: pulumi.Resource;
  /** Credentials on identities that were Outputs, by the id they resolved to. */
  resolved: Map<string, number>;
}

const OUTSIDE_A_RUN = {};
const runs = new WeakMap<object, Run>();

function current(): Run {
  const key = (pulumi.runtime.getMonitor() as object | undefined) ?? OUTSIDE_A_RUN;
  let r = runs.get(key);
  if (!r) runs.set(key, (r = { chains: new Map(), resolved: new Map() }));
  return r;
}

const keyOf = (identityId: string) => identityId.toLowerCase();

/** How many credentials this program declared on the identity so far (those on Outputs once resolved). */
export function credentialsOn(identityId: string): number {
  const r = current();
  return (r.chains.get(keyOf(identityId))?.count ?? 0) + (r.resolved.get(keyOf(identityId)) ?? 0);
}

/**
 * Creates a credential on the identity after the ones this program declared before it that may be
 * on the same identity: on this id, or on any identity when `identityId` is undefined (an Output).
 */
export function chainCredential(
  identityId: string | undefined,
  create: (after: pulumi.Resource[]) => pulumi.Resource,
): pulumi.Resource {
  const r = current();
  if (identityId === undefined) {
    const after = [...[...r.chains.values()].map((c) => c.last), r.lastUnresolved].filter(
      (x): x is pulumi.Resource => x !== undefined,
    );
    return (r.lastUnresolved = create(after));
  }
  const chain = r.chains.get(keyOf(identityId)) ?? { count: 0 };
  const created = create([chain.last, r.lastUnresolved].filter((x): x is pulumi.Resource => x !== undefined));
  r.chains.set(keyOf(identityId), { count: chain.count + 1, last: created });
  return created;
}

/** Counts a credential on an identity given as an Output, once its id resolved; returns the identity's count so far. */
export function countResolvedCredential(identityId: string): number {
  const r = current();
  r.resolved.set(keyOf(identityId), (r.resolved.get(keyOf(identityId)) ?? 0) + 1);
  return credentialsOn(identityId);
}
