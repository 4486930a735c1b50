import type { WorkloadFields, WorkloadKind } from "./workload-fields";
import { dns1123LabelProblem } from "./names";
import { Problems } from "./problems";

const KINDS: WorkloadKind[] = ["Deployment", "StatefulSet", "Job", "CronJob"];
/**
 * Kinds whose pods must finish. In init mode the fetcher runs once, as a plain init container; in
 * refresh mode it is a native sidecar, which the kubelet stops once the job's containers have
 * exited (the pod completes). A restart in place would run the job's work again: refused.
 */
export const RUN_TO_COMPLETION: WorkloadKind[] = ["Job", "CronJob"];

/** What the workload's kind adds to the declaration. */
export interface WorkloadShape {
  kind: WorkloadKind;
  /** StatefulSet's governing Service. */
  serviceName?: string;
  /** CronJob's schedule. */
  schedule?: string;
  /** Job/CronJob retries. */
  backoffLimit?: number;
}

/**
 * Validates `kind` and the fields that belong to one kind only. Throws DeclarationError naming the
 * field, before anything is registered.
 */
export function normalizeWorkloadShape(name: string, a: WorkloadFields, workloadName: string): WorkloadShape {
  const problems = new Problems(name);
  const { fail } = problems;
  const kind = a.kind ?? "Deployment";
  if (!KINDS.includes(kind)) fail("kind", `is ${JSON.stringify(kind)}; use one of ${KINDS.join(", ")}`);
  const only = (field: "replicas" | "serviceName" | "schedule" | "backoffLimit", kinds: WorkloadKind[]) => {
    if (a[field] !== undefined && !kinds.includes(kind))
      fail(field, `applies to ${kinds.join(" and ")} only, and kind is ${kind}; remove it`);
  };
  only("replicas", ["Deployment", "StatefulSet"]);
  only("serviceName", ["StatefulSet"]);
  only("schedule", ["CronJob"]);
  only("backoffLimit", ["Job", "CronJob"]);
  if (RUN_TO_COMPLETION.includes(kind) && a.refresh?.notify?.restartPod !== undefined) {
    fail(
      "refresh.notify.restartPod",
      `is set, but a ${kind}'s pod restarted in place runs its work again from the start; ` +
        "notify the job's containers with http, signal or generationFile, or remove refresh (the fetcher then fetches once, before they start)",
    );
  }
  const shape: WorkloadShape = { kind };
  if (kind === "StatefulSet") {
    const serviceName = a.serviceName ?? workloadName;
    const p = dns1123LabelProblem(serviceName);
    if (p)
      fail(
        a.serviceName === undefined ? "deploymentName (the StatefulSet's Service name by default)" : "serviceName",
        p,
      );
    shape.serviceName = serviceName;
  }
  if (kind === "CronJob") {
    const schedule = typeof a.schedule === "string" ? a.schedule.trim() : "";
    if (
      schedule.split(/\s+/).length !== 5 &&
      !/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule)
    ) {
      fail(
        "schedule",
        `is ${JSON.stringify(a.schedule)}; a CronJob needs a schedule of five cron fields, e.g. "0 3 * * *", or a macro such as "@daily"`,
      );
    }
    shape.schedule = schedule;
  }
  if (a.backoffLimit !== undefined) {
    if (!Number.isInteger(a.backoffLimit) || a.backoffLimit < 0)
      fail("backoffLimit", `is ${JSON.stringify(a.backoffLimit)}; use a whole number ≥ 0`);
    shape.backoffLimit = a.backoffLimit;
  }
  problems.throwIfAny();
  return shape;
}
