import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { irsaIssuer } from "../../components/clouds/aws/oidc";

// The EKS examples' READMEs tell a user which shell commands set the IRSA config. They are run here
// as written (placeholders filled in), with `aws`, `pulumi` and `npm` replaced by stand-ins on PATH:
// `aws` answers as it would in an account with two clusters, whose IAM OIDC providers list the
// other cluster's first (ListOpenIDConnectProviders sorts by ARN); `pulumi` records `config set`.

const ROOT = path.resolve(__dirname, "../..");
const ACCOUNT = "111122223333";
const CLUSTER_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6";
const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D`;

const FAKE_AWS = `#!/bin/sh
case "$*" in
  "eks describe-cluster --name prod --query cluster.identity.oidc.issuer --output text") echo "${CLUSTER_ISSUER}" ;;
  "sts get-caller-identity --query Account --output text") echo "${ACCOUNT}" ;;
  "iam list-open-id-connect-providers --query OpenIDConnectProviderList[0].Arn --output text") echo "${OTHER_PROVIDER}" ;;
  *) echo "fake aws: unexpected: $*" >&2; exit 2 ;;
esac
`;
const FAKE_PULUMI = `#!/bin/sh
if [ "$1 $2" = "config set" ]; then printf '%s\\t%s\\n' "$3" "$4" >> "$CONFIG_LOG"; fi
exit 0
`;

/** The README's first sh block that sets oidcIssuerUrl, placeholders `<…>` filled in (`<cluster>` = prod). */
function commands(readme: string): string {
  const blocks = [...fs.readFileSync(path.join(ROOT, readme), "utf8").matchAll(/```sh\n([\s\S]*?)```/g)].map(
    (m) => m[1],
  );
  const block = blocks.find((b) => b.includes("oidcIssuerUrl"));
  assert.ok(block, `${readme} has an sh block setting oidcIssuerUrl`);
  return block.replace(/<cluster>/g, "prod").replace(/<[^>\n]*>/g, "placeholder");
}

function run(readme: string): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sm-readme-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const [name, body] of [
    ["aws", FAKE_AWS],
    ["pulumi", FAKE_PULUMI],
    ["npm", "#!/bin/sh\nexit 0\n"],
  ]) {
    fs.writeFileSync(path.join(bin, name), body, { mode: 0o755 });
  }
  const log = path.join(dir, "config.tsv");
  fs.writeFileSync(log, "");
  const work = path.join(dir, "a", "b", "example");
  fs.mkdirSync(work, { recursive: true });
  execFileSync("sh", ["-eu", "-c", commands(readme)], {
    cwd: work,
    env: { PATH: `${bin}:/usr/bin:/bin`, CONFIG_LOG: log },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const config = new Map(
    fs
      .readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("\t") as [string, string]),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return config;
}

for (const readme of ["examples/eks/README.md", "examples/python-eks/README.md"]) {
  describe(`${readme}: the documented IRSA config names the user's cluster`, () => {
    it("sets the cluster's issuer, and a provider ARN (if any) of that same issuer, not the account's first OIDC provider", () => {
      const config = run(readme);
      assert.equal(config.get("oidcIssuerUrl"), CLUSTER_ISSUER);
      const fail = (field: string, problem: string): never => assert.fail(`${field}: ${problem}`);
      const irsa = irsaIssuer(
        { oidcProviderArn: config.get("oidcProviderArn"), oidcIssuerUrl: config.get("oidcIssuerUrl") },
        { partition: "aws", accountId: ACCOUNT },
        "",
        fail,
      );
      assert.equal(
        irsa.providerArn,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/${CLUSTER_ISSUER.slice("https://".length)}`,
      );
      assert.equal(irsa.issuer, CLUSTER_ISSUER.slice("https://".length));
    });
  });
}
