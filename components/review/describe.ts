/**
 * What every per-type describer shares: the shape of a review entry, the index of everything the
 * program registered, and the IAM policy helpers. A describer is a pure function of one resource
 * (and the index, to follow references); the per-platform files (describe-aws.ts,
 * describe-kubernetes.ts, …) export a table of them that artifacts.ts merges.
 */

/** One file of the review folder. */
export interface Artifact {
  path: string;
  content: string;
  /** What the file holds, for the folder's README (one short phrase). */
  about?: string;
  /**
   * The path to use instead when another file of the review would have `path` too (two workloads
   * of one name in different namespaces): it names what tells them apart, e.g. the namespace.
   */
  qualified?: string;
}

/** One labelled fact about a resource; each value is printed on its own (wrapped) line. */
export interface Fact {
  /** Printed in the label column, e.g. `KMS key`. */
  label: string;
  /** One printed line each, wrapped to the terminal width. */
  values: string[];
}

export type Obj = Record<string, any>;

/** One registered resource, as describers see it: Pulumi secrets withheld, undefined fields dropped. */
export interface Subject {
  /** Pulumi type token, e.g. `aws:iam/role:Role`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** The resolved inputs; for a Kubernetes object, the object as applied (generated name filled in). */
  inputs: Obj;
  /** What the engine answered for it (ARNs, generated names); empty when unknown. */
  outputs: Obj;
}

/** Everything the program registered, for describers that follow a reference to another resource. */
export interface ResourceIndex {
  /** Every custom resource of this type, in registration order. */
  ofType(type: string): Subject[];
}

/** What a describer returns for one resource. */
export interface Description {
  /** What the review prints under the resource. */
  facts: Fact[];
  /** Files for the review folder (policy documents, specs); Kubernetes objects go to kubernetes.yaml on their own. */
  files?: Artifact[];
}

/** Describes one resource type; registered in a platform's table, keyed by type token. */
export type Describer = (s: Subject, index: ResourceIndex) => Description;

/** A fact with its label and one printed line per value. */
export function fact(label: string, ...values: string[]): Fact {
  return { label, values };
}

/** A review file holding `value` as indented JSON; `about` is its line in the folder's README. */
export function jsonFile(path: string, value: unknown, about: string, qualified?: string): Artifact {
  return {
    path,
    content: `${JSON.stringify(value, null, 2)}\n`,
    about,
    ...(qualified !== undefined ? { qualified } : {}),
  };
}

/** A policy document from its JSON input; undefined when it is not readable offline. */
export function policyDocument(json: unknown): Obj | undefined {
  try {
    const doc = typeof json === "string" ? JSON.parse(json) : undefined;
    return doc && typeof doc === "object" && doc.Statement !== undefined ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Each statement of a policy: effect and actions, then who, on what, and under which conditions. */
export function statementFacts(doc: Obj | undefined, kind: "trust" | "grant"): Fact[] {
  if (!doc)
    return [fact(kind, "NOT READABLE offline (a Pulumi secret, or not a JSON policy): review it in the program")];
  const facts: Fact[] = [];
  for (const s of [doc.Statement].flat() as Obj[]) {
    const actions =
      s.Action !== undefined ? [s.Action].flat().join(", ") : `every action except ${[s.NotAction].flat().join(", ")}`;
    facts.push(fact(kind, `${s.Effect} ${actions}${s.Sid ? ` (${s.Sid})` : ""}`));
    if (s.Principal !== undefined) {
      const who =
        typeof s.Principal === "string"
          ? [s.Principal]
          : Object.entries(s.Principal as Obj).flatMap(([k, v]) => [v].flat().map((x) => `${k} ${x}`));
      facts.push(fact("  by", ...who));
    }
    if (s.Resource !== undefined) facts.push(fact("  on", ...[s.Resource].flat().map(String)));
    if (s.NotResource !== undefined) facts.push(fact("  on all but", ...[s.NotResource].flat().map(String)));
    const conditions = Object.entries((s.Condition ?? {}) as Obj).flatMap(([op, kv]) =>
      Object.entries(kv as Obj).map(([k, v]) => `${op} ${k} = ${[v].flat().join(" or ")}`),
    );
    if (conditions.length) facts.push(fact("  if", ...conditions));
  }
  return facts;
}
