// Recording stand-in for a Pulumi resource provider (aws, azure-native, gcp, random, tls), run by the real
// Pulumi engine as pulumi-resource-<name>: written with @pulumi/pulumi/provider. It returns what
// the real provider computes (ARNs, generated values, names), leaves computed outputs to the
// engine at preview (no Create during preview, so they are unknown, as with a real provider), and
// appends each operation to $SECRET_MOUNT_RECORD (types, names, and input keys — never values of
// secret-carrying resources). Kubernetes is not stood in: the tier builds the real provider.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { main } = require("@pulumi/pulumi/provider");
// Azure and Google computed outputs: the same answers the offline render's engine gives (compiled library).
const DIST = path.resolve(__dirname, "../../dist/components/clouds");
const { azureState } = require(path.join(DIST, "azure/offline.js"));
const { gcpState, gcpCall, OFFLINE_GCP_PROJECT } = require(path.join(DIST, "gcp/offline.js"));

const pkg = process.argv[2];
const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const VALUE_CARRIERS = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:ssm/parameter:Parameter",
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
]);

const typeOf = (urn) => urn.split("::")[2].split("$").pop();
const nameOf = (urn) => urn.split("::")[3];
const suffix = (n) => crypto.randomBytes(8).toString("hex").slice(0, n);

function record(op, urn, inputs) {
  if (!process.env.SECRET_MOUNT_RECORD) return;
  const type = typeOf(urn);
  const entry = {
    op,
    type,
    name: nameOf(urn),
    ...(VALUE_CARRIERS.has(type) ? { inputKeys: Object.keys(inputs ?? {}).sort() } : { inputs }),
  };
  fs.appendFileSync(process.env.SECRET_MOUNT_RECORD, `${JSON.stringify(entry)}\n`);
}

// How many creates of this type the record already holds (ECS task definition revisions).
function previousCreates(type, match) {
  const file = process.env.SECRET_MOUNT_RECORD;
  if (!file || !fs.existsSync(file)) return 0;
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.op === "create" && e.type === type && match(e)).length;
}

function computed(urn, inputs) {
  const type = typeOf(urn);
  const named = inputs.name ?? `${nameOf(urn)}-${suffix(7)}`;
  switch (type) {
    case "aws:iam/role:Role":
      return {
        id: named,
        outs: {
          ...inputs,
          name: named,
          arn: `arn:aws:iam::${ACCOUNT}:role/${named}`,
          uniqueId: `AROA${suffix(16).toUpperCase()}`,
        },
      };
    case "aws:iam/rolePolicy:RolePolicy":
      return { id: `${inputs.role}:${named}`, outs: { ...inputs, name: named } };
    case "aws:secretsmanager/secret:Secret":
      return {
        id: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${named}-${suffix(6)}`,
        outs: { ...inputs, name: named, arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${named}-AbCdEf` },
      };
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { id: `${inputs.secretId}|v1`, outs: { ...inputs, versionId: crypto.randomUUID(), arn: inputs.secretId } };
    case "aws:ssm/parameter:Parameter":
      return {
        id: named,
        outs: {
          ...inputs,
          name: named,
          arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${named.replace(/^\/+/, "")}`,
          version: 1,
        },
      };
    case "random:index/randomPassword:RandomPassword": {
      const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      const result = Array.from(crypto.randomBytes(inputs.length ?? 16), (b) => chars[b % chars.length]).join("");
      return {
        id: "none",
        outs: { ...inputs, result, bcryptHash: crypto.createHash("sha256").update(result).digest("hex") },
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      // namePrefix: the prefix and a 26-character unique suffix (the Terraform SDK's PrefixedUniqueId).
      const logGroup = inputs.name ?? (inputs.namePrefix !== undefined ? `${inputs.namePrefix}${suffix(26)}` : named);
      return {
        id: logGroup,
        outs: { ...inputs, name: logGroup, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroup}` },
      };
    }
    case "aws:ecs/taskDefinition:TaskDefinition": {
      // ECS numbers revisions per family; the resource's id is the family.
      const revision = previousCreates(type, (e) => e.inputs?.family === inputs.family) + 1;
      const base = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${inputs.family}`;
      return { id: inputs.family, outs: { ...inputs, arn: `${base}:${revision}`, arnWithoutRevision: base, revision } };
    }
    case "aws:ecs/service:Service": {
      // The id is the service's ARN (cluster given by name or ARN).
      const cluster = String(inputs.cluster ?? "default")
        .split("/")
        .pop();
      return { id: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${named}`, outs: { ...inputs, name: named } };
    }
    case "tls:index/privateKey:PrivateKey": {
      const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
      const privateKeyPem = privateKey.export({ type: "sec1", format: "pem" });
      return {
        id: crypto.createHash("sha1").update(privateKeyPem).digest("hex"),
        outs: {
          ...inputs,
          privateKeyPem,
          privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }),
          publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
        },
      };
    }
    default: {
      const id = `${nameOf(urn)}-${suffix(7)}`;
      if (type.startsWith("azure-native:"))
        return { id, outs: { ...inputs, ...azureState(type, nameOf(urn), inputs) } };
      if (type.startsWith("gcp:"))
        return { id, outs: { ...inputs, ...gcpState(type, inputs, inputs.project ?? OFFLINE_GCP_PROJECT) } };
      return { id, outs: { ...inputs } };
    }
  }
}

// Inputs whose change forces a replacement (ForceNew in terraform-provider-aws, which pulumi-aws
// bridges): every argument of a task definition but its tags, since ECS task definition revisions
// are immutable (internal/service/ecs/task_definition.go); a service's name and cluster; a log
// group's name. Other types: the names and the generators' shapes.
const REPLACE_ALL_BUT = { "aws:ecs/taskDefinition:TaskDefinition": ["tags", "tagsAll", "skipDestroy", "trackLatest"] };
const REPLACE_ON = {
  "aws:ecs/service:Service": ["name", "cluster"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
};
const REPLACE_ON_DEFAULT = ["name", "length", "special", "ecdsaCurve", "algorithm", "rsaBits"];
const forcesNew = (type, key) =>
  REPLACE_ALL_BUT[type] ? !REPLACE_ALL_BUT[type].includes(key) : (REPLACE_ON[type] ?? REPLACE_ON_DEFAULT).includes(key);

const changed = (olds, news) => Object.keys(news).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));

// Report the version of the SDK package the program uses, as the real plugin of that release would.
const version = (() => {
  try {
    return require(`@pulumi/${pkg}/package.json`).version;
  } catch {
    return "0.0.1";
  }
})();

main(
  {
    version,
    async check(_urn, _olds, news) {
      return { inputs: news };
    },
    async diff(_id, urn, olds, news) {
      const diffs = changed(olds, news);
      const replaces = diffs.filter((k) => forcesNew(typeOf(urn), k));
      return { changes: diffs.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
      const result = computed(urn, inputs);
      record("create", urn, inputs);
      return result;
    },
    async update(_id, urn, olds, news) {
      record("update", urn, news);
      return { outs: { ...olds, ...news } };
    },
    async delete(_id, urn) {
      record("delete", urn, {});
    },
    async invoke(token, inputs) {
      switch (token) {
        case "aws:index/getRegion:getRegion":
          return {
            outputs: {
              id: REGION,
              name: REGION,
              region: REGION,
              description: REGION,
              endpoint: `ec2.${REGION}.amazonaws.com`,
            },
          };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            outputs: {
              id: ACCOUNT,
              accountId: ACCOUNT,
              arn: `arn:aws:iam::${ACCOUNT}:user/stand-in`,
              userId: "AIDASTANDIN",
            },
          };
        case "aws:index/getPartition:getPartition":
          return {
            outputs: { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
          };
        default: {
          const answer = token.startsWith("gcp:")
            ? gcpCall(token, inputs ?? {}, inputs?.project ?? OFFLINE_GCP_PROJECT)
            : undefined;
          if (answer) return { outputs: answer };
          throw new Error(`the ${pkg} stand-in has no answer for ${token} (${Object.keys(inputs ?? {}).join(",")})`);
        }
      }
    },
  },
  process.argv.slice(3),
);
