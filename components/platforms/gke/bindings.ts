/** IAM bindings on Google Cloud resources, one additive member each. Parsing is pure; `grantBinding` registers. */
import * as pulumi from "@pulumi/pulumi";
import type { GcpIamResourceKind } from "./identity-args";
import { parseSecretName, PROJECT_ID, secretName } from "../../clouds/gcp/names";
import { gcp } from "../../clouds/gcp/sdk";

const ROLE = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const TOPIC = /^projects\/([^/\s]+)\/topics\/([A-Za-z][\w.~+%-]{2,254})$/;
const SUBSCRIPTION = /^projects\/([^/\s]+)\/subscriptions\/([A-Za-z][\w.~+%-]{2,254})$/;
/** Roles that span every service of their resource, or let the holder grant itself anything. */
const REFUSED_ROLES: Record<string, string> = {
  "roles/owner": "a basic role, over every service of the resource",
  "roles/editor": "a basic role, over every service of the resource",
  "roles/viewer": "a basic role, over every service of the resource",
  "roles/resourcemanager.projectIamAdmin": "administers IAM: the workload could grant itself any role",
  "roles/iam.securityAdmin": "administers IAM: the workload could grant itself any role",
};

/** A binding's resource, parsed into what the IAM member resource takes. */
export interface BindingTarget {
  /** The resource as reviewers read it (and as `iamMembers` lists it). */
  resource: string;
  project?: string;
  location?: string;
  /** The short name (bucket, topic, subscription) or the full secret name. */
  id: string;
}

/** What the binding's resource is, or what is wrong with it. */
export function parseBindingResource(kind: GcpIamResourceKind, r: string): BindingTarget | string {
  if (/[*?]/.test(r)) return `"${r}" holds a wildcard; name exactly one resource`;
  switch (kind) {
    case "project":
      return PROJECT_ID.test(r)
        ? { resource: `projects/${r}`, project: r, id: r }
        : `"${r}" is not a project id (6-30 of a-z, 0-9 and -, starting with a letter)`;
    case "secret":
    case "regional-secret": {
      const ref = parseSecretName(r);
      if (typeof ref === "string") return ref;
      if (kind === "secret" && ref.location) return `"${r}" is a regional secret; use kind "regional-secret"`;
      if (kind === "regional-secret" && !ref.location)
        return `"${r}" is a global secret; use kind "secret" (a regional one is projects/<p>/locations/<l>/secrets/<s>)`;
      return { resource: secretName(ref), project: ref.project, location: ref.location, id: secretName(ref) };
    }
    case "bucket":
      return BUCKET.test(r)
        ? { resource: `buckets/${r}`, id: r }
        : `"${r}" is not a bucket name (3-63 of a-z, 0-9, ., _ and -; give the name, not a gs:// URL)`;
    case "pubsub-topic": {
      const m = TOPIC.exec(r);
      return m
        ? { resource: r, project: m[1], id: m[2] }
        : `"${r}" is not a Pub/Sub topic (projects/<project>/topics/<topic>)`;
    }
    case "pubsub-subscription": {
      const m = SUBSCRIPTION.exec(r);
      return m
        ? { resource: r, project: m[1], id: m[2] }
        : `"${r}" is not a Pub/Sub subscription (projects/<project>/subscriptions/<subscription>)`;
    }
    default:
      return `kind ${JSON.stringify(kind)} is not one of project, secret, regional-secret, bucket, pubsub-topic, pubsub-subscription`;
  }
}

/** What is wrong with a role to grant, or undefined. */
export function roleProblem(role: string): string | undefined {
  if (typeof role !== "string" || !ROLE.test(role))
    return `${JSON.stringify(role)} is not an IAM role (roles/<service>.<role>, or projects/<p>/roles/<custom role>)`;
  const refused = REFUSED_ROLES[role];
  return refused
    ? `"${role}" is ${refused}; give the predefined role the workload needs (e.g. roles/storage.objectViewer)`
    : undefined;
}

/** One additive IAM member on the binding's resource for `member`. */
export function grantBinding(
  parent: pulumi.Resource,
  resourceName: string,
  kind: GcpIamResourceKind,
  target: pulumi.Output<BindingTarget>,
  role: string,
  member: pulumi.Input<string>,
): pulumi.Resource {
  const opts = { parent };
  const { projects, pubsub, secretmanager, storage } = gcp();
  const t = <K extends keyof BindingTarget>(k: K) => target.apply((x) => x[k]!);
  switch (kind) {
    case "project":
      return new projects.IAMMember(resourceName, { project: t("project"), role, member }, opts);
    case "secret":
      return new secretmanager.SecretIamMember(
        resourceName,
        { project: t("project"), secretId: t("id"), role, member },
        opts,
      );
    case "regional-secret":
      return new secretmanager.RegionalSecretIamMember(
        resourceName,
        { project: t("project"), location: t("location"), secretId: t("id"), role, member },
        opts,
      );
    case "bucket":
      return new storage.BucketIAMMember(resourceName, { bucket: t("id"), role, member }, opts);
    case "pubsub-topic":
      return new pubsub.TopicIAMMember(resourceName, { project: t("project"), topic: t("id"), role, member }, opts);
    case "pubsub-subscription":
      return new pubsub.SubscriptionIAMMember(
        resourceName,
        { project: t("project"), subscription: t("id"), role, member },
        opts,
      );
  }
}
