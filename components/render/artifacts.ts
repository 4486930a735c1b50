import { stringify as toYaml } from "yaml";
import { DEFAULT_SCOPE, type OfflineScope, type Placeholder, type RecordedResource } from "./offline-engine";
import { fact, jsonFile, type Artifact, type Describer, type Fact, type Obj, type Subject } from "../review/describe";
import { uniquePaths } from "./unique-paths";
import { MARKER_FILE } from "./out-dir";
import { describeKubernetesObject } from "../kubernetes/describe";
import { GENERATED_DESCRIBERS } from "./describe-generated";
import { PLATFORM_REVIEWS } from "../platforms/registry";
import { wrapText } from "../review/terminal-text";
import { placeholderMarker } from "./placeholder-marker";
import { describeRemoteComponent } from "../review/describe-remote";
import { VAULT_DESCRIBERS } from "../stores/vault/describe";

export type { Artifact, Fact } from "../review/describe";

/**
 * How each resource type is reviewed, keyed by Pulumi type token: the generated values' table and
 * one per platform, reached through the registry (platforms/registry.ts, each platform's `review`).
 * Types no table names fall back to a platform's prefix describer (e.g. `azure-native:`), then,
 * for Kubernetes objects, to {@link describeKubernetesObject}.
 */
const DESCRIBERS: Record<string, Describer> = Object.assign(
  { ...GENERATED_DESCRIBERS, ...VAULT_DESCRIBERS },
  ...PLATFORM_REVIEWS.map((r) => r.describers ?? {}),
);
const PREFIX_DESCRIBERS = PLATFORM_REVIEWS.flatMap((r) => r.byPrefix ?? []);

/** What the review shows for one registered resource. */
export interface ReviewEntry {
  /** Pulumi type token, e.g. `aws:iam/role:Role`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** What a reviewer must see, read off the resource's inputs. */
  facts: Fact[];
}

/** Where the resources came from, for the notes and the folder's README. */
export interface ReviewContext {
  /** The Pulumi project name. */
  project: string;
  /** The stack whose config was used. */
  stack: string;
  /** Values the offline engine invented; shown as `<what they stand for>`. */
  placeholders: Placeholder[];
  /** The account and region the engine answered with; `regionConfigured` when from `aws:region`. */
  scope: OfflineScope & { regionConfigured: boolean };
}

/** Widest line the review prints. */
export const REVIEW_WIDTH = 100;
const MAX_LABEL = 24;

/** Resource inputs that hold secret values: never written, only counted. */
const VALUE_CARRIERS = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:ssm/parameter:Parameter",
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
  "vault:kv/secretV2:SecretV2",
]);

/** How the Pulumi SDK marks a secret value in serialized inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const WITHHELD_SECRET = "(a Pulumi secret, withheld)";

const DEFAULT_CONTEXT: ReviewContext = {
  project: "program",
  stack: "example",
  placeholders: [],
  scope: { ...DEFAULT_SCOPE, regionConfigured: true },
};

/**
 * Turns what a program registered into the review folder (Kubernetes YAML, IAM JSON, one FetchSpec
 * per Deployment, a README) and the review entries printed to the terminal. Pure: no values are
 * ever copied from the resources that carry them, and every claim is read off the rendered objects.
 */
export function buildArtifacts(
  resources: RecordedResource[],
  ctx: ReviewContext = DEFAULT_CONTEXT,
): { artifacts: Artifact[]; entries: ReviewEntry[]; notes: string[] } {
  const entries: ReviewEntry[] = [];
  const files: Artifact[] = [];
  const { mark, occurring } = placeholderMarker(ctx.placeholders);
  const subjects = resources.filter((r) => r.custom).map(subjectOf);
  const index = { ofType: (type: string) => subjects.filter((s) => s.type === type) };

  const add = (r: { type: string; name: string }, facts: Fact[]) =>
    entries.push({
      type: r.type,
      name: r.name,
      facts: facts.map((f) => ({ label: f.label, values: f.values.map(mark) })),
    });

  for (const r of resources) {
    if (r.remote) add(r, describeRemoteComponent(r.type, clean(r.inputs)));
    else if (!r.custom) add(r, [fact("component", "groups the resources below")]);
  }
  for (const s of subjects) {
    const describe =
      DESCRIBERS[s.type] ??
      PREFIX_DESCRIBERS.find((p) => s.type.startsWith(p.prefix))?.describe ??
      (s.type.startsWith("kubernetes:") ? describeKubernetesObject : undefined);
    const d = describe
      ? describe(s, index)
      : {
          facts: [
            fact(
              "not summarised",
              VALUE_CARRIERS.has(s.type)
                ? "value withheld"
                : "render does not summarise this type; read it in the program",
            ),
          ],
        };
    add(s, d.facts);
    files.push(...(d.files ?? []));
  }
  const kube = subjects.filter((s) => s.type.startsWith("kubernetes:")).map((s) => s.inputs);
  const tagged = tagsFile(subjects);
  const artifacts: Artifact[] = [
    ...(kube.length
      ? [
          {
            path: "kubernetes.yaml",
            content: kube.map((o) => toYaml(o, { lineWidth: 0 })).join("---\n"),
            about: "the Kubernetes objects, as they would be applied",
          },
        ]
      : []),
    ...uniquePaths([...files, ...(tagged ? [tagged] : [])], ["kubernetes.yaml", "README.md", MARKER_FILE]),
  ];
  const notes = reviewNotes(ctx, resources);
  const inContent = new Set(artifacts.flatMap((a) => [...occurring(a.content)]));
  const inFiles = ctx.placeholders.filter((p) => inContent.has(p.value));
  artifacts.push({ path: "README.md", content: folderReadme({ ...ctx, placeholders: inFiles }, artifacts, notes) });
  return { artifacts, entries, notes };
}

/** The review for a terminal: every entry's facts, wrapped to `width` columns. */
export function formatReview(title: string, entries: ReviewEntry[], notes: string[], width = REVIEW_WIDTH): string {
  const sorted = [...entries].sort(
    (a, b) =>
      Number(a.type.startsWith("secret-mount:") === false) - Number(b.type.startsWith("secret-mount:") === false) ||
      a.name.localeCompare(b.name),
  );
  const out: string[] = [...wrapText(title, width), ...notes.flatMap((n) => wrapText(n, width)), ""];
  const indent = 4;
  // Labels longer than this (long container names) get a line of their own.
  const labelWidth = Math.min(MAX_LABEL, Math.max(...sorted.flatMap((e) => e.facts.map((f) => f.label.length)), 0));
  const valueColumn = indent + labelWidth + 2;
  for (const e of sorted) {
    out.push(...wrapText(`${e.type}  ${e.name}`, width));
    for (const f of e.facts) {
      const ownLine = f.label.length > labelWidth;
      if (ownLine) out.push(...wrapText(f.label, width - indent).map((l) => `${" ".repeat(indent)}${l}`));
      f.values.forEach((v, n) => {
        wrapText(v, width - valueColumn).forEach((line, k) => {
          const head = n === 0 && k === 0 && !ownLine ? f.label : "";
          out.push(`${" ".repeat(indent)}${head.padEnd(labelWidth)}  ${line}`.trimEnd());
        });
      });
    }
  }
  return out.join("\n");
}

/** The metadata fields cloud resources carry: tags (AWS, Azure), labels and annotations (Google). */
const METADATA_FIELDS = ["tags", "labels", "annotations"];

/**
 * `tags.json`: the tags, labels and annotations of every cloud resource that carries any, with its
 * type and resource name, one row each. Kubernetes objects' labels are in kubernetes.yaml.
 * Undefined when no resource carries any.
 */
function tagsFile(subjects: Subject[]): Artifact | undefined {
  const rows = subjects
    .filter((s) => !s.type.startsWith("kubernetes:"))
    .flatMap((s) => {
      const present = METADATA_FIELDS.filter((f) => {
        const v = s.inputs[f];
        return v !== null && typeof v === "object" && Object.keys(v).length > 0;
      });
      return present.length
        ? [{ type: s.type, name: s.name, ...Object.fromEntries(present.map((f) => [f, s.inputs[f]])) }]
        : [];
    });
  return rows.length
    ? jsonFile(
        "tags.json",
        rows,
        "the tags (AWS, Azure), labels and annotations (Google) of each cloud resource, by type and name",
      )
    : undefined;
}

function reviewNotes(ctx: ReviewContext, resources: RecordedResource[]): string[] {
  const notes: string[] = [];
  if (ctx.placeholders.length) {
    notes.push(
      "Values in <angle brackets> are placeholders the engine fills at pulumi up: ids, generated " +
        "names and ARNs of resources that do not exist yet. The files hold stand-ins for them, listed in README.md.",
    );
  }
  if (resources.some((r) => r.type.startsWith("aws:"))) {
    notes.push(
      `AWS account ${ctx.scope.accountId} is the offline engine's stand-in for the account of your credentials at pulumi up` +
        (ctx.scope.regionConfigured
          ? "."
          : `; region ${ctx.scope.region} is its default (the stack sets no aws:region).`),
    );
  }
  return notes;
}

function folderReadme(ctx: ReviewContext, artifacts: Artifact[], notes: string[]): string {
  const lines = [
    `# Review folder: ${ctx.project}, stack ${ctx.stack}`,
    "",
    "Written by secret-mount's offline render (no cloud, no cluster): what `pulumi up` would create.",
    "No secret value is written here. Render replaces this folder whole on its next run.",
    "",
    "| file | what it holds |",
    "|---|---|",
    ...artifacts.map((a) => `| \`${a.path}\` | ${a.about ?? ""} |`),
    "",
    "## Placeholders",
    "",
  ];
  if (ctx.placeholders.length) {
    lines.push(
      "Values in <…> in the summary are placeholders the engine fills at `pulumi up`. In these files they",
      "appear as the stand-in values below; none of them exists yet.",
      "",
      "| value in the files | placeholder for |",
      "|---|---|",
      ...[...ctx.placeholders]
        .sort((a, b) => a.standsFor.localeCompare(b.standsFor))
        .map((p) => `| \`${p.value}\` | ${p.standsFor} |`),
    );
  } else {
    lines.push("The engine invented no ids or ARNs for these resources.");
  }
  if (notes.length > 1 || (!ctx.placeholders.length && notes.length))
    lines.push("", ...notes.filter((n) => !n.startsWith("Values in")));
  return `${lines.join("\n")}\n`;
}

/** A resource as describers see it; a Kubernetes object with the name the engine generated filled in. */
function subjectOf(r: RecordedResource): Subject {
  const inputs = clean(r.inputs) as Obj;
  const outputs = clean(r.outputs ?? {}) as Obj;
  if (!r.type.startsWith("kubernetes:")) return { type: r.type, name: r.name, inputs, outputs };
  const object = {
    apiVersion: inputs.apiVersion,
    kind: inputs.kind,
    metadata: outputs.metadata ?? inputs.metadata,
    ...rest(inputs, ["apiVersion", "kind", "metadata"]),
  };
  return { type: r.type, name: r.name, inputs: object, outputs };
}

function rest(o: Obj, drop: string[]): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.includes(k)));
}

/** Drops undefined fields so the YAML holds only what was declared; withholds Pulumi secrets. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === "object") {
    if (SECRET_SIG_KEY in v) return WITHHELD_SECRET as T;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, clean(x)]),
    ) as T;
  }
  return v;
}
