import type { OfflineProvider } from "../../review/offline";

/**
 * What the mocked AWS provider answers offline: ARNs and generated names of the IAM and store
 * resources (invented, and labelled as such in the review), and the account, region and partition
 * invokes. Used by the offline engine (render, tests) through the platform registry.
 */
export const AWS_OFFLINE: OfflineProvider = {
  state(type, name, inputs, { accountId, region, partition }, invent) {
    const autoName = `${name}-1a2b3c4`;
    const named = (inputs.name as string | undefined) ?? autoName;
    switch (type) {
      case "aws:iam/role:Role":
        return {
          arn: invent(`arn:${partition}:iam::${accountId}:role/${named}`, "ARN"),
          name: named === autoName ? invent(named, "name") : named,
        };
      case "aws:iam/policy:Policy": {
        const policyName = named === autoName ? invent(named, "name") : named;
        return {
          name: policyName,
          arn: invent(
            `arn:${partition}:iam::${accountId}:policy${(inputs.path as string | undefined) ?? "/"}${named}`,
            "ARN",
          ),
        };
      }
      case "aws:secretsmanager/secret:Secret":
        return { arn: invent(`arn:${partition}:secretsmanager:${region}:${accountId}:secret:${named}-AbCdEf`, "ARN") };
      case "aws:ssm/parameter:Parameter":
        return {
          arn: invent(`arn:${partition}:ssm:${region}:${accountId}:parameter/${named.replace(/^\/+/, "")}`, "ARN"),
        };
      default:
        return {};
    }
  },
  call(token, _inputs, { accountId, region, partition, dnsSuffix }) {
    switch (token) {
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region, description: region, endpoint: `ec2.${region}.${dnsSuffix}` };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          id: accountId,
          accountId,
          arn: `arn:${partition}:iam::${accountId}:user/offline`,
          userId: "AIDAOFFLINE",
        };
      case "aws:index/getPartition:getPartition":
        return { id: partition, partition, dnsSuffix, reverseDnsPrefix: dnsSuffix.split(".").reverse().join(".") };
      default:
        return undefined;
    }
  },
};
