import * as pulumi from "@pulumi/pulumi";

/**
 * Federated credentials this program declares on each existing identity. Azure answers 409 when
 * two credentials are created on one identity at the same time, so each waits for the one declared
 * before it; and it allows 20 per identity, so the count is checked at preview.
 *
 * Kept per Pulumi program run (the engine connection), so repeated runs in one process (tests) do
 * not count each other's credentials.
 */
interface Chain {
  count: number;
  last?: pulumi.Resource;
}

const OUTSIDE_A_RUN = {};
const runs = new WeakMap<object, Map<string, Chain>>();

function chains(): Map<string, Chain> {
  const run = (pulumi.runtime.getMonitor() as object | undefined) ?? OUTSIDE_A_RUN;
  let m = runs.get(run);
  if (!m) runs.set(run, (m = new Map()));
  return m;
}

const keyOf = (identityId: string) => identityId.toLowerCase();

/** How many credentials this program declared on the identity so far. */
export function credentialsOn(identityId: string): number {
  return chains().get(keyOf(identityId))?.count ?? 0;
}

/** Creates a credential on the identity after the one this program declared before it, if any. */
export function chainCredential(identityId: string, create: (after: pulumi.Resource | undefined) => pulumi.Resource): pulumi.Resource {
  const m = chains();
  const chain = m.get(keyOf(identityId)) ?? { count: 0 };
  const created = create(chain.last);
  m.set(keyOf(identityId), { count: chain.count + 1, last: created });
  return created;
}
