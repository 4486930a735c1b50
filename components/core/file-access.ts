import { parseFileMode } from "../../spec/fetch-spec";
import type { ContainerArgs } from "./args";

/** UID and GID of the distroless `nonroot` user the fetch image runs as: the owner of every file. */
export const FETCH_UID = 65532;

/**
 * The directory the fetch image declares as a `VOLUME` (runtime-image/Dockerfile), owned by
 * 65532:65532 with mode FETCH_IMAGE_VOLUME_MODE. On ECS the fetch container mounts the shared volume
 * exactly here: Fargate copies the image's directory, with its owner and mode, into a bind-mount
 * volume mounted at the same path (a bare one is root-owned 0755, which the fetcher cannot write).
 */
export const FETCH_IMAGE_VOLUME = "/secret-mount";
/** Owner rwx, group r-x (the app reads through its gid), setgid; the same as the EC2 tmpfs volume's `mode`. */
export const FETCH_IMAGE_VOLUME_MODE = 0o2750;

/**
 * Why a file mode would deny one of the app containers, or undefined. Files are owned by the
 * fetcher (UID 65532) and by the pod's `fsGroup`, which Kubernetes gives every container of the pod
 * as a supplementary group. A container running as UID 65532 reads through the owner bits; any
 * other UID reads through the group bits. A container without `runAsUser` runs as its image's user,
 * unknown at preview, which may be either: the mode must then allow both.
 */
export function fileModeDeniesProblem(
  mode: string,
  containers: (ContainerArgs & { field?: string })[],
  fsGroup: number,
): string | undefined {
  const bits = parseFileMode(mode);
  if (bits === undefined) return undefined;
  const ownerRead = (bits & 0o400) !== 0;
  const groupRead = (bits & 0o040) !== 0;
  for (const [i, c] of containers.entries()) {
    const who = `${c.field ?? `containers[${i}]`} "${c.name}"`;
    const files = `files are owned by UID ${FETCH_UID} (the fetcher) and group ${fsGroup} (fsGroup)`;
    if (c.runAsUser === FETCH_UID) {
      if (!ownerRead)
        return `"${mode}" denies ${who} (UID ${FETCH_UID}, the files' owner): give the owner read, e.g. "0440"`;
    } else if (c.runAsUser !== undefined) {
      if (!groupRead)
        return `"${mode}" denies ${who} (UID ${c.runAsUser}): ${files}, so UID ${c.runAsUser} reads only through the group; use "0440"`;
    } else if (!groupRead || !ownerRead) {
      return `"${mode}" denies ${who} (no runAsUser: it runs as its image's user, UID unknown at preview): ${files}, and any UID but ${FETCH_UID} reads only through the group; use "0440", or set runAsUser`;
    }
  }
  return undefined;
}
