import assert from "node:assert/strict";
import { DeclarationError, SecretMountedWorkload, type SecretMountedWorkloadArgs } from "../../components";
import { OIDC_ARN, OIDC_URL, baseArgs, mockWorkload } from "./mock-run";
import { assertRefused } from "./mock-component";

type Case = [description: string, args: SecretMountedWorkloadArgs, field: string, message: RegExp, name?: string];
const app = baseArgs().containers![0];
const pw = { name: "db-password", generate: { type: "password" as const } };

/** Every mistake a user can make in a declaration, with the field and fix its error must name. */
const CASES: Case[] = [
  // platform
  ["no platform", baseArgs({ eks: undefined }), "platform", /set exactly one of eks, aks/],
  [
    "unknown platform-like field (typo or unsupported)",
    { ...baseArgs(), openshift: {} } as never,
    "openshift",
    /not a known field/,
  ],
  [
    "two platforms",
    { ...baseArgs(), aks: { oidcIssuerUrl: "https://issuer.example/", resourceGroupName: "rg" } },
    "eks, aks",
    /eks and aks are all set; set exactly one platform/,
  ],
  [
    "Azure options on EKS",
    baseArgs({ secrets: [{ ...pw, azure: { secretName: "x" } }] }),
    "secrets[0].azure",
    /holds Azure Key Vault options; on EKS use secrets\[\]\.aws/,
  ],
  [
    "unknown top-level field with a near miss",
    { ...baseArgs(), mountpath: "/x" } as never,
    "mountpath",
    /did you mean "mountPath"/,
  ],
  // names
  [
    "component name not DNS-1123",
    baseArgs(),
    "name (the component name, used as the Deployment name)",
    /not a DNS-1123 subdomain.*e\.g\. "my-app"/,
    "My_App",
  ],
  ["deploymentName not DNS-1123", baseArgs({ deploymentName: "Web" }), "deploymentName", /not a DNS-1123 subdomain/],
  [
    "serviceAccountName not DNS-1123",
    baseArgs({ serviceAccountName: "sa_1" }),
    "serviceAccountName",
    /not a DNS-1123 subdomain/,
  ],
  ["namespace not a DNS-1123 label", baseArgs({ namespace: "team.a" }), "namespace", /not a DNS-1123 label/],
  ["namespace too long", baseArgs({ namespace: "n".repeat(64) }), "namespace", /at most 63/],
  [
    "secret name not DNS-1123",
    baseArgs({ secrets: [{ ...pw, name: "DB" }] }),
    "secrets[0].name",
    /not a DNS-1123 label.*"db"/,
  ],
  [
    "container name not DNS-1123",
    baseArgs({ containers: [{ ...app, name: "App" }] }),
    "containers[0].name",
    /not a DNS-1123 label/,
  ],
  [
    "container named like the fetch container",
    baseArgs({ containers: [{ ...app, name: "secret-mount-fetch" }] }),
    "containers[0].name",
    /fetch container's name/,
  ],
  [
    "duplicate container names",
    baseArgs({ containers: [app, app] }),
    "containers[1].name",
    /also the name of containers\[0\]/,
  ],
  ["duplicate secret names", baseArgs({ secrets: [pw, pw] }), "secrets[1].name", /also the name of secrets\[0\]/],
  [
    "bad port name",
    baseArgs({ containers: [{ ...app, ports: [{ name: "http_port", containerPort: 80 }] }] }),
    "containers[0].ports[0].name",
    /not a valid port name/,
  ],
  [
    "bad port number",
    baseArgs({ containers: [{ ...app, ports: [{ containerPort: 70000 }] }] }),
    "containers[0].ports[0].containerPort",
    /1-65535/,
  ],
  [
    "bad env name",
    baseArgs({ containers: [{ ...app, env: { "1X": "y" } }] }),
    "containers[0].env.1X",
    /environment variable name/,
  ],
  ["bad label", baseArgs({ labels: { team: "a b" } }), "labels.team", /not a valid label value/],
  // containers
  ["no containers", baseArgs({ containers: [] }), "containers", /at least one application container/],
  [
    "neither containers nor container",
    baseArgs({ containers: undefined }),
    "containers",
    /at least one application container.*or declare one with `container`/,
  ],
  [
    "both container and containers",
    baseArgs({ container: app }),
    "container",
    /is set together with containers; set one of the two: `container` for a single one, `containers` for every one/,
  ],
  [
    "the one container without image (named as written)",
    baseArgs({ containers: undefined, container: { name: "app", image: "" } }),
    "container.image",
    /is required/,
  ],
  [
    "the one container as root (named as written)",
    baseArgs({ containers: undefined, container: { ...app, runAsUser: 0 } }),
    "container.runAsUser",
    /non-zero UID/,
  ],
  [
    "a file mode denying the one container (named as written)",
    baseArgs({ containers: undefined, container: app, fileMode: "0400" }),
    "fileMode",
    /denies container "app" \(UID 10001\)/,
  ],
  [
    "container without image",
    baseArgs({ containers: [{ name: "app", image: "" }] }),
    "containers[0].image",
    /is required/,
  ],
  [
    "container as root",
    baseArgs({ containers: [{ ...app, runAsUser: 0 }] }),
    "containers[0].runAsUser",
    /non-zero UID/,
  ],
  [
    "bad memory quantity",
    baseArgs({ containers: [{ ...app, resources: { limits: { memory: "lots" } } }] }),
    "containers[0].resources.limits.memory",
    /not a quantity/,
  ],
  ["replicas negative", baseArgs({ replicas: -1 }), "replicas", /whole number ≥ 0/],
  // secrets: value / generate / existing
  ["no secrets", baseArgs({ secrets: [] }), "secrets", /at least one secret/],
  [
    "secret with nothing",
    baseArgs({ secrets: [{ name: "x" }] }),
    "secrets[0]",
    /set exactly one of value.*generate.*existing/,
  ],
  [
    "value + generate + existing together",
    baseArgs({ secrets: [{ name: "x", value: "v", generate: { type: "password" }, existing: { name: "n" } }] }),
    "secrets[0]",
    /sets value and generate and existing; a secret takes exactly one/,
  ],
  [
    "existing with arn and name",
    baseArgs({
      secrets: [
        { name: "x", existing: { name: "a", arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf" } },
      ],
    }),
    "secrets[0].existing",
    /exactly one of arn and name/,
  ],
  [
    "aws.store contradicting existing.arn",
    baseArgs({
      secrets: [
        {
          name: "x",
          existing: { arn: "arn:aws:ssm:eu-west-1:111122223333:parameter/a" },
          aws: { store: "secrets-manager" },
        },
      ],
    }),
    "secrets[0].aws.store",
    /is "secrets-manager", but existing.arn is an SSM parameter ARN; remove aws.store/,
  ],
  [
    "existing ARN malformed",
    baseArgs({ secrets: [{ name: "x", existing: { arn: "arn:aws:s3:::bucket" } }] }),
    "secrets[0].existing.arn",
    /not a Secrets Manager secret ARN/,
  ],
  [
    "storeName on an existing secret",
    baseArgs({ secrets: [{ name: "x", existing: { name: "a" }, aws: { storeName: "b" } }] }),
    "secrets[0].aws.storeName",
    /use existing.name/,
  ],
  [
    "KMS alias instead of key ARN",
    baseArgs({ secrets: [{ ...pw, aws: { kmsKeyArn: "alias/app" } }] }),
    "secrets[0].aws.kmsKeyArn",
    /cannot grant by alias/,
  ],
  [
    "bad store",
    baseArgs({ secrets: [{ ...pw, aws: { store: "vault" as never } }] }),
    "secrets[0].aws.store",
    /"secrets-manager" or "ssm-parameter"/,
  ],
  [
    "SSM name reserved prefix",
    baseArgs({ secrets: [{ ...pw, aws: { store: "ssm-parameter", storeName: "/aws/x" } }] }),
    "secrets[0].aws.storeName",
    /reserves/,
  ],
  [
    "store name with bad characters",
    baseArgs({ secrets: [{ ...pw, aws: { storeName: "a b" } }] }),
    "secrets[0].aws.storeName",
    /not a valid secrets-manager name/,
  ],
  [
    "two secrets, one store name",
    baseArgs({
      secrets: [
        { ...pw, aws: { storeName: "s" } },
        { name: "b", value: "v", aws: { storeName: "s" } },
      ],
    }),
    "secrets[1]",
    /uses the secrets-manager name "s" like secrets\[0\]/,
  ],
  [
    "recovery window out of range",
    baseArgs({ secrets: [{ ...pw, aws: { recoveryWindowInDays: 3 } }] }),
    "secrets[0].aws.recoveryWindowInDays",
    /0 \(delete at once\) or 7-30/,
  ],
  [
    "password too short",
    baseArgs({ secrets: [{ name: "x", generate: { type: "password", length: 8 } }] }),
    "secrets[0].generate.length",
    /12 to 4096/,
  ],
  [
    "password without any class",
    baseArgs({
      secrets: [
        { name: "x", generate: { type: "password", lower: false, upper: false, numeric: false, special: false } },
      ],
    }),
    "secrets[0].generate",
    /keep at least one/,
  ],
  [
    "rsa bits invalid",
    baseArgs({ secrets: [{ name: "x", generate: { type: "rsa", rsaBits: 1024 } }] }),
    "secrets[0].generate.rsaBits",
    /2048, 3072 or 4096/,
  ],
  [
    "password option on a key pair",
    baseArgs({ secrets: [{ name: "x", generate: { type: "ecdsa", length: 20 } }] }),
    "secrets[0].generate.length",
    /passwords only/,
  ],
  [
    "JSON-key fan-out on a generated password",
    baseArgs({ secrets: [{ name: "x", generate: { type: "password" }, files: [{ path: "x", jsonKey: "k" }] }] }),
    "secrets[0].files[0].jsonKey",
    /plain text, not JSON; remove jsonKey/,
  ],
  [
    "unknown JSON key of a key pair",
    baseArgs({ secrets: [{ name: "x", generate: { type: "rsa" }, files: [{ path: "k", jsonKey: "private" }] }] }),
    "secrets[0].files[0].jsonKey",
    /"privateKeyPem" or "publicKeyPem"/,
  ],
  [
    "key pair file without a JSON key",
    baseArgs({ secrets: [{ name: "x", generate: { type: "rsa" }, files: [{ path: "k" }] }] }),
    "secrets[0].files[0].jsonKey",
    /stored as JSON/,
  ],
  [
    "base64 decode of a generated password",
    baseArgs({ secrets: [{ name: "x", generate: { type: "password" }, files: [{ path: "x", decode: "base64" }] }] }),
    "secrets[0].files[0].decode",
    /not base64 text/,
  ],
  // files
  [
    "escaping file path",
    baseArgs({ secrets: [{ ...pw, files: [{ path: "../etc/passwd" }] }] }),
    "secrets[0].files[0].path",
    /".." segment, which would escape/,
  ],
  [
    "absolute file path",
    baseArgs({ secrets: [{ ...pw, files: [{ path: "/etc/x" }] }] }),
    "secrets[0].files[0].path",
    /is absolute; give a path relative to the mount, e.g. "etc\/x"/,
  ],
  [
    "file path starting with ..",
    baseArgs({ secrets: [{ ...pw, files: [{ path: "..data" }] }] }),
    "secrets[0].files[0].path",
    /reserved for the atomic-swap/,
  ],
  [
    "duplicate file paths across secrets",
    baseArgs({ secrets: [pw, { name: "other", value: "v", files: [{ path: "db-password" }] }] }),
    "secrets[1].files[0].path",
    /also the path of secrets\[0\].files\[0\].path/,
  ],
  [
    "file path that is another's directory",
    baseArgs({
      secrets: [
        { ...pw, files: [{ path: "db" }] },
        { name: "b", value: "v", files: [{ path: "db/x" }] },
      ],
    }),
    "secrets[1].files[0].path",
    /one would be both a file and a directory/,
  ],
  ["world-readable file mode", baseArgs({ fileMode: "0444" }), "fileMode", /lets every user read/],
  [
    "writable file mode",
    baseArgs({ secrets: [{ ...pw, files: [{ path: "p", mode: "0660" }] }] }),
    "secrets[0].files[0].mode",
    /lets group or others write/,
  ],
  ["non-octal file mode", baseArgs({ fileMode: "rw" }), "fileMode", /octal string/],
  [
    "env file var naming an undeclared file",
    baseArgs({ envFile: { vars: { DB: "nope" } } }),
    "envFile.vars.DB",
    /not the path of any secret file; declared paths: db-password/,
  ],
  [
    "env file path colliding",
    baseArgs({ envFile: { path: "db-password", vars: { DB: "db-password" } } }),
    "envFile.path",
    /also the path of secrets\[0\]/,
  ],
  // mount and volume
  ["relative mount path", baseArgs({ mountPath: "secrets" }), "mountPath", /absolute path/],
  [
    "mount path over a system directory",
    baseArgs({ mountPath: "/etc" }),
    "mountPath",
    /"\/etc" would hide the system directory itself/,
  ],
  [
    "mount path over the service-account token",
    baseArgs({ mountPath: "/var/run/secrets" }),
    "mountPath",
    /would hide or sit inside the projected token directory \/var\/run\/secrets\/kubernetes.io\/serviceaccount/,
  ],
  [
    "mount path inside the projected IRSA token directory",
    baseArgs({ mountPath: "/run/secrets/eks.amazonaws.com/serviceaccount/app" }),
    "mountPath",
    /sit inside the projected token directory \/run\/secrets\/eks.amazonaws.com\/serviceaccount/,
  ],
  [
    "mount path over the Pod Identity token's parent",
    baseArgs({ mountPath: "/var/run/secrets/pods.eks.amazonaws.com" }),
    "mountPath",
    /projected token directory \/var\/run\/secrets\/pods.eks.amazonaws.com\/serviceaccount/,
  ],
  [
    "mount path equal to the Azure token directory",
    baseArgs({ mountPath: "/run/secrets/azure/tokens/" }),
    "mountPath",
    /projected token directory \/run\/secrets\/azure\/tokens/,
  ],
  ["mount path over /var/run", baseArgs({ mountPath: "/var/run" }), "mountPath", /hide the system directory itself/],
  [
    "mount path over /tmp",
    baseArgs({ mountPath: "/tmp" }),
    "mountPath",
    /hide the system directory itself.*"\/etc\/secrets"/,
  ],
  [
    "mount path over /usr/local",
    baseArgs({ mountPath: "//usr/local" }),
    "mountPath",
    /"\/usr\/local" would hide the system directory/,
  ],
  [
    "mount path inside /proc",
    baseArgs({ mountPath: "/proc/secrets" }),
    "mountPath",
    /inside \/proc, which the container runtime provides/,
  ],
  [
    "mount path over the kubelet's resolv.conf",
    baseArgs({ mountPath: "/etc/resolv.conf" }),
    "mountPath",
    /a file the kubelet mounts/,
  ],
  ["namespace kube-system", baseArgs({ namespace: "kube-system" }), "namespace", /belongs to the cluster itself/],
  ["namespace kube-public", baseArgs({ namespace: "kube-public" }), "namespace", /belongs to the cluster itself/],
  [
    "namespace kube-node-lease",
    baseArgs({ namespace: "kube-node-lease" }),
    "namespace",
    /belongs to the cluster itself/,
  ],
  ["sizeLimit not a quantity", baseArgs({ volumeSizeLimit: "big" }), "volumeSizeLimit", /not a Kubernetes quantity/],
  [
    "sizeLimit too small for the declared secrets",
    baseArgs({ volumeSizeLimit: "64Ki", secrets: [pw, { name: "big", existing: { name: "prod/big" } }] }),
    "volumeSizeLimit",
    /smaller than the declared secrets may need \(136Ki.*set at least "136Ki"/,
  ],
  [
    "refresh interval too short",
    baseArgs({ refresh: { intervalSeconds: 2 } }),
    "refresh.intervalSeconds",
    /from 10 to/,
  ],
  ["fetch timeout out of range", baseArgs({ fetch: { timeoutSeconds: 0 } }), "fetch.timeoutSeconds", /1 to 3600/],
  ["fsGroup zero", baseArgs({ fsGroup: 0 }), "fsGroup", /non-zero GID/],
  // EKS identity
  [
    "unknown secret field",
    baseArgs({ secrets: [{ ...pw, vaule: "x" } as never] }),
    "secrets[0].vaule",
    /not a known field/,
  ],
  [
    "unknown container field",
    baseArgs({ containers: [{ ...app, imagePullPolicy: "Always" } as never] }),
    "containers[0].imagePullPolicy",
    /not a known field/,
  ],
  ["bad label key", baseArgs({ labels: { "-team": "a" } }), "labels.-team", /not a valid label key/],
  ["empty fetch image", baseArgs({ fetch: { image: " " } }), "fetch.image", /pinned by digest/],
  // this repository records no released fetch image (components/kubernetes/fetch-image.json)
  [
    "no fetch image and none released",
    baseArgs({ fetch: undefined }),
    "fetch.image",
    /is required: this copy of secret-mount 0\.1\.0 records no released fetch image\. Build it from the npm package .*docker buildx build --platform linux\/amd64,linux\/arm64 --push -t <registry>\/secret-mount-fetch:<version> node_modules\/secret-mount\/fetch-image .*fetch: \{ image: "<registry>\/secret-mount-fetch@sha256:<digest>" \}/,
  ],
  [
    "fetch timeout without an image, none released",
    baseArgs({ fetch: { timeoutSeconds: 30 } }),
    "fetch.image",
    /is required/,
  ],
  [
    "bad CPU quantity",
    baseArgs({ fetch: { resources: { limits: { cpu: "2 cores" } } } }),
    "fetch.resources.limits.cpu",
    /not a CPU quantity/,
  ],
  [
    "unknown resource name",
    baseArgs({ containers: [{ ...app, resources: { requests: { gpu: "1" } as never } }] }),
    "containers[0].resources.requests.gpu",
    /cpu, memory or ephemeral-storage/,
  ],
  [
    "negative runAsGroup",
    baseArgs({ containers: [{ ...app, runAsGroup: -1 }] }),
    "containers[0].runAsGroup",
    /GID ≥ 0/,
  ],
  [
    "duplicate port names",
    baseArgs({
      containers: [
        {
          ...app,
          ports: [
            { name: "http", containerPort: 80 },
            { name: "http", containerPort: 81 },
          ],
        },
      ],
    }),
    "containers[0].ports[1].name",
    /used twice/,
  ],
  [
    "empty existing name",
    baseArgs({ secrets: [{ name: "x", existing: { name: "" } }] }),
    "secrets[0].existing.name",
    /non-empty name/,
  ],
  ["empty files list", baseArgs({ secrets: [{ ...pw, files: [] }] }), "secrets[0].files", /at least one file/],
  [
    "unknown decode",
    baseArgs({ secrets: [{ name: "x", value: "v", files: [{ path: "x", decode: "hex" as never }] }] }),
    "secrets[0].files[0].decode",
    /use "base64" or "none"/,
  ],
  [
    "empty special characters",
    baseArgs({ secrets: [{ name: "x", generate: { type: "password", specialCharacters: "" } }] }),
    "secrets[0].generate.specialCharacters",
    /is empty/,
  ],
  [
    "unknown generate type",
    baseArgs({ secrets: [{ name: "x", generate: { type: "uuid" as never } }] }),
    "secrets[0].generate.type",
    /"password", "rsa" or "ecdsa"/,
  ],
  [
    "bad ECDSA curve",
    baseArgs({ secrets: [{ name: "x", generate: { type: "ecdsa", ecdsaCurve: "P224" as never } }] }),
    "secrets[0].generate.ecdsaCurve",
    /"P256", "P384" or "P521"/,
  ],
  [
    "rsaBits on ECDSA",
    baseArgs({ secrets: [{ name: "x", generate: { type: "ecdsa", rsaBits: 2048 } }] }),
    "secrets[0].generate.rsaBits",
    /type "rsa" only/,
  ],
  [
    "ecdsaCurve on RSA",
    baseArgs({ secrets: [{ name: "x", generate: { type: "rsa", ecdsaCurve: "P256" } }] }),
    "secrets[0].generate.ecdsaCurve",
    /type "ecdsa" only/,
  ],
  [
    "SSM name too deep",
    baseArgs({ secrets: [{ ...pw, aws: { store: "ssm-parameter", storeName: "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p" } }] }),
    "secrets[0].aws.storeName",
    /deeper than the 15 levels/,
  ],
  [
    "recovery window on SSM",
    baseArgs({ secrets: [{ ...pw, aws: { store: "ssm-parameter", recoveryWindowInDays: 7 } }] }),
    "secrets[0].aws.recoveryWindowInDays",
    /Secrets Manager only/,
  ],
  [
    "customer key on an existing secret via aws",
    baseArgs({
      secrets: [
        { name: "x", existing: { name: "a" }, aws: { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abc" } },
      ],
    }),
    "secrets[0].aws.kmsKeyArn",
    /use existing.kmsKeyArn/,
  ],
  [
    "existing secret's key as an alias",
    baseArgs({
      secrets: [{ name: "x", existing: { name: "a", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:alias/app" } }],
    }),
    "secrets[0].existing.kmsKeyArn",
    /cannot grant by alias/,
  ],
  [
    "secretNamePrefix with bad characters",
    baseArgs({ secretNamePrefix: "team a" }),
    "secretNamePrefix",
    /only letters, digits/,
  ],
  ["env file with no variables", baseArgs({ envFile: { vars: {} } }), "envFile.vars", /at least one variable/],
  [
    "env file variable name",
    baseArgs({ envFile: { vars: { "DB-PASSWORD": "db-password" } } }),
    "envFile.vars.DB-PASSWORD",
    /environment variable name/,
  ],
  [
    "IRSA with a cluster name",
    baseArgs({ eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL, clusterName: "c" } }),
    "eks.clusterName",
    /is for identity "pod-identity"/,
  ],
  [
    "permissions boundary not a policy ARN",
    baseArgs({ eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL, permissionsBoundaryArn: "boundary" } }),
    "eks.permissionsBoundaryArn",
    /not an IAM policy ARN/,
  ],
  [
    "unknown eks field",
    baseArgs({ eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL, oidcProvider: "x" } as never }),
    "eks.oidcProvider",
    /not a known field/,
  ],
  [
    "IRSA with neither OIDC provider nor issuer",
    baseArgs({ eks: {} }),
    "eks.oidcProviderArn",
    /or eks\.oidcIssuerUrl is required for IRSA.*describe-cluster.*either gives the other/,
  ],
  [
    "IRSA provider and issuer of two clusters",
    baseArgs({
      eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL.replace("ABCDEF0123456789", "FFFF000011112222") },
    }),
    "eks.oidcIssuerUrl",
    /is not the issuer of eks.oidcProviderArn .*admit no pod.*give only one of them/,
  ],
  [
    "IRSA provider ARN with https://",
    baseArgs({ eks: { oidcProviderArn: OIDC_ARN.replace("oidc-provider/", "oidc-provider/https://") } }),
    "eks.oidcProviderArn",
    /not an IAM OIDC provider ARN .*without "https:\/\/"/,
  ],
  [
    "OIDC provider ARN malformed",
    baseArgs({ eks: { oidcProviderArn: "oidc.eks.eu-west-1.amazonaws.com/id/X", oidcIssuerUrl: OIDC_URL } }),
    "eks.oidcProviderArn",
    /not an IAM OIDC provider ARN/,
  ],
  [
    "issuer URL not https",
    baseArgs({ eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: "http://oidc.example" } }),
    "eks.oidcIssuerUrl",
    /not an https issuer URL/,
  ],
  [
    "Pod Identity without cluster",
    baseArgs({ eks: { identity: "pod-identity" } }),
    "eks.clusterName",
    /required for EKS Pod Identity/,
  ],
  [
    "Pod Identity with IRSA inputs",
    baseArgs({ eks: { identity: "pod-identity", clusterName: "c", oidcProviderArn: OIDC_ARN } }),
    "eks.oidcProviderArn",
    /is for IRSA/,
  ],
  // exact references only (issue 6, item 2): no wildcard, every part of the ARN checked
  [
    "wildcard secret ARN",
    baseArgs({ secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:*" } }] }),
    "secrets[0].existing.arn",
    /holds a wildcard.*name exactly one secret/,
  ],
  [
    "wildcard in a secret ARN's name",
    baseArgs({
      secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/*" } }],
    }),
    "secrets[0].existing.arn",
    /holds a wildcard/,
  ],
  [
    "? wildcard in a secret ARN's suffix",
    baseArgs({
      secrets: [
        { name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????" } },
      ],
    }),
    "secrets[0].existing.arn",
    /holds a wildcard/,
  ],
  [
    "wildcard parameter ARN",
    baseArgs({
      secrets: [
        {
          name: "x",
          existing: { arn: "arn:aws:ssm:eu-west-1:111122223333:parameter/*" },
          aws: { store: "ssm-parameter" },
        },
      ],
    }),
    "secrets[0].existing.arn",
    /holds a wildcard/,
  ],
  [
    "wildcard secret name",
    baseArgs({ secrets: [{ name: "x", existing: { name: "prod/*" } }] }),
    "secrets[0].existing.name",
    /holds a wildcard/,
  ],
  [
    "? in a parameter name",
    baseArgs({ secrets: [{ name: "x", existing: { name: "/app/db?" }, aws: { store: "ssm-parameter" } }] }),
    "secrets[0].existing.name",
    /holds a wildcard/,
  ],
  [
    "wildcard region and account",
    baseArgs({ secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:*:*:secret:db-AbCdEf" } }] }),
    "secrets[0].existing.arn",
    /holds a wildcard/,
  ],
  [
    "partial secret ARN (no random suffix)",
    baseArgs({
      secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db" } }],
    }),
    "secrets[0].existing.arn",
    /partial ARN.*give the full ARN.*or give existing.name, which grants "<name>-\?\?\?\?\?\?"/,
  ],
  [
    "unknown partition",
    baseArgs({
      secrets: [
        { name: "x", existing: { arn: "arn:aws-mars:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf" } },
      ],
    }),
    "secrets[0].existing.arn",
    /not a Secrets Manager secret ARN.*"aws-mars" is not an AWS partition/,
  ],
  [
    "malformed region",
    baseArgs({
      secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:EU_WEST:111122223333:secret:db-AbCdEf" } }],
    }),
    "secrets[0].existing.arn",
    /"EU_WEST" is not a region/,
  ],
  [
    "empty region",
    baseArgs({
      secrets: [
        { name: "x", existing: { arn: "arn:aws:ssm::111122223333:parameter/db" }, aws: { store: "ssm-parameter" } },
      ],
    }),
    "secrets[0].existing.arn",
    /not an SSM parameter ARN/,
  ],
  [
    "account not 12 digits",
    baseArgs({
      secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:11112222333:secret:db-AbCdEf" } }],
    }),
    "secrets[0].existing.arn",
    /"11112222333" is not a 12-digit account id/,
  ],
  [
    "wrong resource type in a Secrets Manager ARN",
    baseArgs({
      secrets: [{ name: "x", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:rotation:db-AbCdEf" } }],
    }),
    "secrets[0].existing.arn",
    /not a Secrets Manager secret ARN \(arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>\)/,
  ],
  [
    "wrong resource type in an SSM ARN",
    baseArgs({
      secrets: [
        {
          name: "x",
          existing: { arn: "arn:aws:ssm:eu-west-1:111122223333:document/db" },
          aws: { store: "ssm-parameter" },
        },
      ],
    }),
    "secrets[0].existing.arn",
    /not an SSM parameter ARN \(arn:aws:ssm:<region>:<12-digit account>:parameter\/<name>\)/,
  ],
  [
    "wildcard KMS key of an existing secret",
    baseArgs({
      secrets: [{ name: "x", existing: { name: "a", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/*" } }],
    }),
    "secrets[0].existing.kmsKeyArn",
    /holds a wildcard/,
  ],
  [
    "wildcard KMS key of a created secret",
    baseArgs({
      secrets: [{ ...pw, aws: { kmsKeyArn: "arn:aws:kms:*:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }],
    }),
    "secrets[0].aws.kmsKeyArn",
    /holds a wildcard/,
  ],
  [
    "KMS key ARN with a bad account",
    baseArgs({
      secrets: [{ ...pw, aws: { kmsKeyArn: "arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }],
    }),
    "secrets[0].aws.kmsKeyArn",
    /not a KMS key ARN.*"1111" is not a 12-digit account id/,
  ],
  [
    "KMS key ARN naming no key id",
    baseArgs({ secrets: [{ ...pw, aws: { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/" } }] }),
    "secrets[0].aws.kmsKeyArn",
    /not a KMS key ARN/,
  ],
  [
    "wildcard permissions boundary",
    baseArgs({
      eks: {
        oidcProviderArn: OIDC_ARN,
        oidcIssuerUrl: OIDC_URL,
        permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/*",
      },
    }),
    "eks.permissionsBoundaryArn",
    /holds a wildcard/,
  ],
  [
    "permissions boundary in a bad partition",
    baseArgs({
      eks: {
        oidcProviderArn: OIDC_ARN,
        oidcIssuerUrl: OIDC_URL,
        permissionsBoundaryArn: "arn:awz:iam::111122223333:policy/b",
      },
    }),
    "eks.permissionsBoundaryArn",
    /not an IAM policy ARN.*"awz" is not an AWS partition/,
  ],
  // IAM quotas (issue 6, item 14)
  [
    "more secrets than 10 managed policies hold",
    baseArgs({
      secrets: Array.from({ length: 1000 }, (_, i) => ({
        name: `s${i}`,
        existing: { name: `prod/payments/service-${i}/credential` },
      })),
    }),
    "secrets",
    /1000 secrets need a read policy of about \d+ characters: \d+ managed policies of at most 6144 characters, over the 10 IAM attaches to one role by default.*Split the secrets across several workloads/,
  ],
  [
    "unknown identity",
    baseArgs({ eks: { identity: "kiam" as never, oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL } }),
    "eks.identity",
    /"irsa" or "pod-identity"/,
  ],
  // the restricted profile (components/kubernetes/restricted.ts, the checker adoption uses too)
  [
    "a probe with a host (passed through from an object the types do not check)",
    baseArgs({
      containers: [{ ...app, readinessProbe: { httpGet: { port: 8080, host: "169.254.169.254" } } as never }],
    }),
    "containers[0].readinessProbe.httpGet.host",
    /is "169\.254\.169\.254"; allowed: "" or unset .*control "Host Probes \/ Lifecycle Hooks", admission check hostProbesAndHostLifecycle\): the pod must meet the restricted profile; remove it/,
  ],
];

describe("declaration errors: named field, the fix, and nothing registered", () => {
  for (const [description, args, field, message, name] of CASES) {
    it(description, () =>
      assertRefused(() => new SecretMountedWorkload(name ?? "app", args), name ?? "app", field, message, assert),
    );
  }

  for (const mountPath of [
    "/etc/secrets",
    "/etc/app/secrets",
    "/var/secrets",
    "/run/secrets/app",
    "/var/run/secrets/app",
    "/run/secrets/eks.amazonaws.com/app",
    "/opt/app/secrets",
    "/home/app/.secrets",
  ]) {
    it(`accepts the mount path ${mountPath}`, () => {
      assert.doesNotThrow(() => new SecretMountedWorkload("app", baseArgs({ mountPath })));
    });
  }

  it("the base declaration used above is valid", () => {
    assert.doesNotThrow(() => new SecretMountedWorkload("app", baseArgs()));
  });

  it("`container` declares the same Deployment as `containers` with that one container", async () => {
    const { containers, ...rest } = baseArgs({ replicas: 2 });
    const deployment = async (args: SecretMountedWorkloadArgs) =>
      (await mockWorkload("app", args)).one("kubernetes:apps/v1:Deployment");
    assert.deepEqual(
      await deployment({ ...rest, container: containers![0] }),
      await deployment({ ...rest, containers }),
    );
  });
});

describe("file modes must let every app container read (files: owner UID 65532, group fsGroup)", () => {
  const other = { name: "app", image: app.image, runAsUser: 10001 };
  const owner = { name: "same-uid", image: app.image, runAsUser: 65532 };
  const imageUser = { name: "image-user", image: app.image };
  const refused: Case[] = [
    [
      "0400 default with an app container of another UID",
      baseArgs({ fileMode: "0400", containers: [other] }),
      "fileMode",
      /"0400" denies containers\[0\] "app" \(UID 10001\): files are owned by UID 65532 \(the fetcher\) and group 65532 \(fsGroup\), so UID 10001 reads only through the group; use "0440"/,
    ],
    [
      "0400 on one file, second container of another UID, custom fsGroup",
      baseArgs({
        fsGroup: 2000,
        containers: [owner, other],
        secrets: [{ ...pw, files: [{ path: "p", mode: "0400" }] }],
      }),
      "secrets[0].files[0].mode",
      /denies containers\[1\] "app" \(UID 10001\): .*group 2000 \(fsGroup\)/,
    ],
    [
      "0400 with a container running as its image's user",
      baseArgs({ fileMode: "0400", containers: [imageUser] }),
      "fileMode",
      /denies containers\[0\] "image-user" \(no runAsUser: it runs as its image's user, UID unknown at preview\).*use "0440", or set runAsUser/,
    ],
  ];
  for (const [description, args, field, message] of refused) {
    it(`refuses ${description}`, () => {
      assert.throws(
        () => new SecretMountedWorkload("app", args),
        (err: unknown) => {
          assert.ok(err instanceof DeclarationError, String(err));
          assert.equal(err.field, field);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  it("accepts 0400 when every app container runs as the owner, and 0440 for any UID", () => {
    assert.doesNotThrow(() => new SecretMountedWorkload("app", baseArgs({ fileMode: "0400", containers: [owner] })));
    assert.doesNotThrow(
      () => new SecretMountedWorkload("app", baseArgs({ fileMode: "0440", containers: [owner, other, imageUser] })),
    );
  });
});
