import type { ContainerArgs } from "./args";
import { FETCH_UID } from "./file-access";
import { dns1123LabelProblem, envNameProblem, portNameProblem } from "./names";
import { oneOrMany } from "./one-or-many";
import { checkResources } from "./resources";
import type { Problems } from "./problems";
import { check, unknownFields } from "./unknown-fields";

/** The application containers SecretMountedWorkload declares (`containers`, or the one `container`). */

export const FETCH_CONTAINER_NAME = "secret-mount-fetch";

export interface NormalizedContainer extends ContainerArgs {
  readOnlyRootFilesystem: boolean;
  /** The field that declared it, for messages: `containers[i]`, or `container`. */
  field: string;
}

const CONTAINER_FIELDS: (keyof ContainerArgs)[] = [
  "name",
  "image",
  "command",
  "args",
  "workingDir",
  "env",
  "ports",
  "resources",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "runAsUser",
  "runAsGroup",
  "readOnlyRootFilesystem",
  "secretEnv",
];
/** The app containers as checked: each one that passed (undefined where one failed), and every name as written. */
export interface CheckedContainers {
  checked: (NormalizedContainer | undefined)[];
  /** The names as written, whether or not each container passed (pod settings name containers). */
  written: unknown[];
}

/**
 * Validates and defaults the app containers: at least one, unique names, none named like the
 * fetcher. Each container is checked on its own (a section of `problems`).
 */
export function normalizeContainers(
  a: { container?: ContainerArgs; containers?: ContainerArgs[] },
  problems: Problems,
): CheckedContainers {
  const { fail } = problems;
  const apps = problems.section(() =>
    oneOrMany(a.container, a.containers, { one: "container", many: "containers" }, problems),
  );
  if (apps?.items.length === 0)
    problems.add(
      "containers",
      'must list at least one application container, e.g. [{ name: "app", image: "…" }] (or declare one with `container`)',
    );
  const containerNames = new Map<string, string>();
  const checked = (apps?.items ?? []).map(({ item: c, at }) =>
    problems.section((): NormalizedContainer => {
      if (!c || typeof c !== "object") fail(at, "must be an object with at least name and image");
      unknownFields(c, CONTAINER_FIELDS, at, problems);
      check(dns1123LabelProblem(c.name), `${at}.name`, problems);
      if (c.name === FETCH_CONTAINER_NAME)
        fail(`${at}.name`, `"${FETCH_CONTAINER_NAME}" is the fetch container's name; choose another`);
      const prior = containerNames.get(c.name);
      if (prior !== undefined)
        fail(`${at}.name`, `"${c.name}" is also the name of ${prior}; container names must be unique`);
      containerNames.set(c.name, at);
      if (c.image === undefined || c.image === null || (typeof c.image === "string" && c.image.trim() === ""))
        fail(`${at}.image`, "is required: give the image reference, ideally pinned by digest");
      for (const k of Object.keys(c.env ?? {})) check(envNameProblem(k), `${at}.env.${k}`, problems);
      const portNames = new Set<string>();
      (c.ports ?? []).forEach((p, j) => {
        if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
          fail(`${at}.ports[${j}].containerPort`, `is ${JSON.stringify(p.containerPort)}; use 1-65535`);
        if (p.name !== undefined) {
          check(portNameProblem(p.name), `${at}.ports[${j}].name`, problems);
          if (portNames.has(p.name)) fail(`${at}.ports[${j}].name`, `"${p.name}" is used twice in this container`);
          portNames.add(p.name);
        }
      });
      if (c.runAsUser !== undefined && (!Number.isInteger(c.runAsUser) || c.runAsUser <= 0))
        fail(
          `${at}.runAsUser`,
          `is ${JSON.stringify(c.runAsUser)}; the restricted Pod Security Standard needs a non-zero UID`,
        );
      if (c.runAsGroup !== undefined && (!Number.isInteger(c.runAsGroup) || c.runAsGroup < 0))
        fail(`${at}.runAsGroup`, `is ${JSON.stringify(c.runAsGroup)}; use a GID ≥ 0`);
      checkResources(c.resources, `${at}.resources`, problems);
      return { ...c, readOnlyRootFilesystem: c.readOnlyRootFilesystem ?? true, field: at };
    }),
  );
  return { checked, written: (apps?.items ?? []).map(({ item }) => item?.name) };
}

/** A signal reaches only processes of the fetcher's own UID: the restricted standard forbids CAP_KILL. */
export function unsignalledContainerProblem(containers: NormalizedContainer[]): string | undefined {
  const c = containers.find((x) => x.runAsUser !== FETCH_UID);
  if (!c) return undefined;
  return `${c.field} ("${c.name}") runs as ${c.runAsUser === undefined ? "its image's user" : `UID ${c.runAsUser}`}: the fetcher (UID ${FETCH_UID}) may signal only processes of its own UID, since the restricted Pod Security Standard forbids the CAP_KILL capability that would allow more; set runAsUser: ${FETCH_UID} on every app container, or notify with http or generationFile instead`;
}
