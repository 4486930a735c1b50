import type { OfflineProvider } from "../../review/offline";

/** What the mocked AWS provider answers offline for the ECS task's own resources (log group, task definition, service). */
export const ECS_OFFLINE: OfflineProvider = {
  state(type, name, inputs, { accountId, region, partition }) {
    switch (type) {
      case "aws:cloudwatch/logGroup:LogGroup": {
        const logGroup =
          (inputs.name as string | undefined) ?? `${(inputs.namePrefix as string | undefined) ?? ""}${name}-1a2b3c4`;
        return { name: logGroup, arn: `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroup}` };
      }
      case "aws:ecs/taskDefinition:TaskDefinition":
        return {
          arn: `arn:${partition}:ecs:${region}:${accountId}:task-definition/${inputs.family as string}:1`,
          revision: 1,
        };
      case "aws:ecs/service:Service":
        return { name: (inputs.name as string | undefined) ?? `${name}-1a2b3c4` };
      default:
        return {};
    }
  },
};
