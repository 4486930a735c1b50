import { FETCH_SPEC_ENV } from "../spec/fetch-spec";
import type { Artifact, SummaryRow } from "./artifacts";
import type { RecordedResource } from "./offline-engine";

type Obj = Record<string, any>;

/** Resource types this file renders. */
export const ECS_TYPES = new Set(["aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service", "aws:cloudwatch/logGroup:LogGroup"]);

/**
 * An ECS resource for review: the task definition as RegisterTaskDefinition receives it (container
 * definitions parsed), its FetchSpec, and a summary row that says where the secrets live.
 */
export function ecsArtifacts(r: RecordedResource): { artifacts: Artifact[]; row: SummaryRow } {
  const i = r.inputs as Obj;
  if (r.type === "aws:cloudwatch/logGroup:LogGroup") {
    return { artifacts: [], row: { type: r.type, name: r.name, detail: `${i.name ?? `${i.namePrefix ?? ""}…`}, retention ${i.retentionInDays} days` } };
  }
  if (r.type === "aws:ecs/service:Service") {
    const net = i.networkConfiguration ?? {};
    const cb = i.deploymentCircuitBreaker ?? {};
    return {
      artifacts: [],
      row: { type: r.type, name: r.name, detail: `${i.name} in ${i.cluster} x${i.desiredCount} ${i.launchType}, public IP ${net.assignPublicIp ? "ON" : "off"}, circuit breaker ${cb.enable ? `on${cb.rollback ? " with rollback" : ""}` : "off"}` },
    };
  }
  const defs = JSON.parse(i.containerDefinitions) as Obj[];
  const request: Obj = { ...i, containerDefinitions: defs };
  delete request.tags;
  const artifacts: Artifact[] = [{ path: `ecs/${i.family}.task-definition.json`, content: `${JSON.stringify(request, null, 2)}\n` }];
  const fetch = defs.find((d) => (d.environment ?? []).some((e: Obj) => e.name === FETCH_SPEC_ENV));
  const spec = fetch?.environment.find((e: Obj) => e.name === FETCH_SPEC_ENV).value;
  if (spec) artifacts.push({ path: `fetch-spec/${i.family}.json`, content: `${JSON.stringify(JSON.parse(spec), null, 2)}\n` });
  const volume = (i.volumes ?? [])[0] ?? {};
  const where = volume.dockerVolumeConfiguration
    ? `volume tmpfs (memory, ${volume.dockerVolumeConfiguration.driverOpts?.o})`
    : "volume ON DISK: Fargate task ephemeral storage, encrypted at rest by Fargate (EC2 gives tmpfs; nativeSecrets avoids the disk)";
  const apps = defs.filter((d) => d !== fetch);
  const detail = [
    `${i.family} ${[i.requiresCompatibilities].flat().join(",")} cpu ${i.cpu ?? "-"} mem ${i.memory ?? "-"}`,
    `fetch ${fetch?.image} essential ${fetch?.essential}, user ${fetch?.user}, ro-rootfs ${fetch?.readonlyRootFilesystem}`,
    where,
    `apps after ${apps.map((a) => `${a.name}:${(a.dependsOn ?? []).map((d: Obj) => d.condition).join("+") || "none"}`).join(",")}, read-only mount ${apps.every((a) => (a.mountPoints ?? []).some((m: Obj) => m.readOnly === true))}`,
    ...(apps.some((a) => a.secrets?.length) ? [`native secrets (execution role): ${apps.flatMap((a) => (a.secrets ?? []).map((s: Obj) => `${a.name}.${s.name}`)).join(",")}`] : []),
  ].join("; ");
  return { artifacts, row: { type: r.type, name: r.name, detail } };
}
