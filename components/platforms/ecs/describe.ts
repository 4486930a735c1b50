import { FETCH_SPEC_ENV } from "../../../spec/fetch-spec";
import { fact, jsonFile, type Describer, type Fact, type Obj, type Subject } from "../../review/describe";

/**
 * The task definition as RegisterTaskDefinition receives it (container definitions parsed), its
 * FetchSpec, and where the secrets live: tmpfs on EC2, task ephemeral storage (disk) on Fargate.
 */
function taskDefinition(s: Subject) {
  const i = s.inputs;
  const defs = JSON.parse(i.containerDefinitions) as Obj[];
  const request: Obj = { ...i, containerDefinitions: defs };
  delete request.tags;
  const files = [
    jsonFile(
      `ecs/${i.family}.task-definition.json`,
      request,
      "the task definition, as RegisterTaskDefinition receives it",
    ),
  ];
  const fetch = defs.find((d) => (d.environment ?? []).some((e: Obj) => e.name === FETCH_SPEC_ENV));
  const spec = fetch?.environment.find((e: Obj) => e.name === FETCH_SPEC_ENV).value;
  if (spec)
    files.push(
      jsonFile(`fetch-spec/${i.family}.json`, JSON.parse(spec), "what the fetch container will read (the FetchSpec)"),
    );
  const volume = (i.volumes ?? [])[0] ?? {};
  const apps = defs.filter((d) => d !== fetch);
  // An app without a mount point on the shared volume was left out by mountInto: it reads no secrets.
  const mountsOf = (a: Obj): Obj[] => (a.mountPoints ?? []).filter((m: Obj) => m.sourceVolume === volume.name);
  const facts: Fact[] = [
    fact(
      "task",
      `${i.family} ${[i.requiresCompatibilities].flat().join(",")} cpu ${i.cpu ?? "-"} memory ${i.memory ?? "-"}`,
    ),
    fact(
      "fetch container",
      `${fetch?.image}`,
      `essential ${fetch?.essential}, user ${fetch?.user}, read-only root fs ${fetch?.readonlyRootFilesystem}`,
    ),
    fact(
      "shared volume",
      volume.dockerVolumeConfiguration
        ? `tmpfs (memory, ${volume.dockerVolumeConfiguration.driverOpts?.o})`
        : "ON DISK: Fargate task ephemeral storage, encrypted at rest by Fargate (EC2 gives tmpfs; nativeSecrets avoids the disk)",
    ),
    // Where the fetcher writes, read off its mount: on Fargate the volume's owner comes from the image's VOLUME at that path.
    fact(
      "fetch writes at",
      `${(fetch?.mountPoints ?? []).map((m: Obj) => m.containerPath).join(", ") || "NOTHING"}`,
      volume.dockerVolumeConfiguration
        ? "owner and mode from the tmpfs options"
        : 'the volume is root-owned unless the fetch image declares this path as its VOLUME (docs/guides/ecs.md, "The shared volume")',
    ),
    fact(
      "apps start after",
      ...apps.map(
        (a) =>
          `${a.name}: ${
            (a.dependsOn ?? []).map((d: Obj) => `${d.containerName} ${d.condition}`).join(", ") ||
            (mountsOf(a).length ? "NOTHING" : "nothing (mounts no secrets)")
          }`,
      ),
    ),
    // Read off each app's mount points, not assumed.
    fact(
      "app mounts",
      ...apps.map(
        (a) =>
          `${a.name}: ${
            !mountsOf(a).length
              ? "none (no secrets: left out by mountInto)"
              : mountsOf(a).every((m: Obj) => m.readOnly === true)
                ? "read-only"
                : "WRITABLE"
          }`,
      ),
    ),
  ];
  const native = apps.flatMap((a) => (a.secrets ?? []).map((x: Obj) => `${a.name}.${x.name} (execution role)`));
  if (native.length) facts.push(fact("native env secrets", ...native));
  return { facts, files };
}

function service(s: Subject) {
  const i = s.inputs;
  const net = i.networkConfiguration ?? {};
  const cb = i.deploymentCircuitBreaker ?? {};
  return {
    facts: [
      fact("service", `${i.name} in ${i.cluster} x${i.desiredCount} ${i.launchType}`),
      fact("public IP", net.assignPublicIp ? "ON" : "off"),
      fact("circuit breaker", cb.enable ? `on${cb.rollback ? " with rollback" : ""}` : "off"),
    ],
  };
}

function logGroup(s: Subject) {
  const i = s.inputs;
  return {
    facts: [fact("log group", i.name ?? `${i.namePrefix ?? ""}…`), fact("retention", `${i.retentionInDays} days`)],
  };
}

/** How ECS resources are reviewed. */
export const ECS_DESCRIBERS: Record<string, Describer> = {
  "aws:ecs/taskDefinition:TaskDefinition": taskDefinition,
  "aws:ecs/service:Service": service,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
};
