/**
 * How IAM reads wildcards in a policy's actions and resources, and which patterns reach every
 * action of a service or every resource of a type (IAM User Guide, "IAM JSON policy elements:
 * Action" and "…: Resource"): `*` stands for any run of characters and `?` for any one character,
 * anywhere in the pattern. Pure.
 *
 * The rule, for an `Allow` statement:
 * - an action must keep at least one literal character of its name: `s3:Get*` and `s3:*Object`
 *   pass; `*`, `s3:*`, `s3:?*` and `s3:**` match every action of the service and are refused;
 * - a resource must name the start of a resource before its first wildcard: the literal text up to
 *   it must reach past the resource type into a name (`…:secret:prod/*`, `…:table/orders*`), or, for
 *   ARNs that begin with the resource's own name (S3 buckets and objects, SNS topics, SQS queues),
 *   hold one character of that name (`arn:aws:s3:::reports/*`, `arn:aws:sqs:…:prod-*`). So
 *   `arn:aws:s3:::*`, `arn:aws:s3:::**`, `arn:aws:s3:::?*`, `…:secret:*`, `…:sec*` and
 *   `…:loadbalancer/app/*` are refused, wherever the region and account segments hold wildcards.
 */

const WILDCARD = /[*?]/;

/**
 * Services whose ARNs begin the resource part with a resource's own name rather than its type;
 * `s3:` is S3 with empty region and account segments (buckets and objects). From the Service
 * Authorization Reference's ARN formats (tests/components/iam-patterns.test.ts checks every one).
 */
const NAME_FIRST = new Set([
  "s3:",
  "sns",
  "sqs",
  "codecommit",
  "codepipeline",
  "neptune-db",
  "mediaconnect",
  "mgh",
  "eventsbilltoaws",
]);

/**
 * Resource types whose prefix spans more than one token (`loadbalancer/app/`), and the types of the
 * NAME_FIRST services (where one literal character would otherwise pass): a pattern whose literal
 * start is a prefix of one of these still reaches every resource of that type. Keyed like
 * NAME_FIRST (`s3` here is S3's regional ARNs, which a bucket's `arn:aws:s3:::…` cannot match).
 */
const TYPE_PREFIXES: { [service: string]: string[] } = {
  account: ["account/o-"],
  apigateway: ["domainnameaccessassociations/domainname/", "restapis/models/"],
  "aws-marketplace": ["DeploymentParameter:catalogs/"],
  clouddirectory: ["schema/development/", "schema/published/"],
  cloudformation: ["type/hook/", "type/resource/"],
  codepipeline: ["actiontype:", "webhook:"],
  elasticloadbalancing: [
    "listener-rule/app/",
    "listener-rule/net/",
    "listener/app/",
    "listener/gwy/",
    "listener/net/",
    "loadbalancer/app/",
    "loadbalancer/gwy/",
    "loadbalancer/net/",
  ],
  greengrass: [
    "greengrass/bulk/deployments/",
    "greengrass/definition/connectors/",
    "greengrass/definition/cores/",
    "greengrass/definition/devices/",
    "greengrass/definition/functions/",
    "greengrass/definition/loggers/",
    "greengrass/definition/resources/",
    "greengrass/definition/subscriptions/",
    "greengrass/groups/",
    "greengrass/things/",
  ],
  guardduty: ["detection-rule/custom/"],
  healthlake: ["datastore/fhir/"],
  honeycode: ["screen-automation:workbook/", "screen:workbook/", "table:workbook/", "workbook:workbook/"],
  mediaconnect: [
    "bridge:",
    "entitlement:",
    "flow:",
    "gateway:",
    "output:",
    "reservation:",
    "routerInput:",
    "routerNetworkInterface:",
    "routerOutput:",
    "source:",
  ],
  mgh: ["automation-run/", "automation-unit/", "progressUpdateStream/"],
  notifications: ["managed-notification-configuration/category/"],
  organizations: [
    "account/o-",
    "handshake/o-",
    "organization/o-",
    "ou/o-",
    "policy/o-",
    "resourcepolicy/o-",
    "root/o-",
    "transfer/o-",
  ],
  s3: ["access-grants/default/grant/", "access-grants/default/location/", "async-request/mrap/"],
};

/** Why an action pattern of an `Allow` statement matches every action of its service, or undefined. */
export function everyActionProblem(action: string): string | undefined {
  const colon = action.indexOf(":");
  const name = colon < 0 ? action : action.slice(colon + 1);
  if (!/^[*?]+$/.test(name)) return undefined;
  const whose = colon < 0 ? "every service" : action.slice(0, colon);
  return (
    `"${action}" matches every action of ${whose} (IAM reads "*" and "?" anywhere in an action; ` +
    "a wildcard may stand for part of an action's name, as in s3:Get*, not for all of it); list the actions the workload calls (e.g. s3:GetObject)"
  );
}

/**
 * Why a resource ARN pattern of an `Allow` statement can match every resource of a type (or of a
 * service), or undefined. Expects an ARN's six segments (the caller checks the shape).
 */
export function everyResourceProblem(arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return undefined;
  const [, , service, region, account] = parts;
  if (WILDCARD.test(service)) {
    return `"${arn}" has a wildcard in its service segment, which would match resources of other services; name the service`;
  }
  const resource = parts.slice(5).join(":");
  const first = resource.search(/[*?]/);
  if (first < 0) return undefined;
  const literal = resource.slice(0, first).replace(/^[/:]+/, "");
  const key = region === "" && account === "" ? `${service}:` : service;
  const reachesName =
    literal !== "" &&
    !(TYPE_PREFIXES[key] ?? []).some((type) => type.startsWith(literal)) &&
    (NAME_FIRST.has(key) || /^[^/:]+[/:]+[^/:]/.test(literal));
  if (reachesName) return undefined;
  const start = literal === "" ? "" : ` whose resource starts "${literal}"`;
  return (
    `"${arn}" can match every ${service} resource${start}: IAM reads "*" and "?" anywhere, and nothing before the first one names ` +
    "a resource (a wildcard may stand for the end of a name, as in arn:aws:s3:::reports/* or …:secret:prod/*); " +
    "name the ones the workload uses, or set allowAnyResource: true"
  );
}
