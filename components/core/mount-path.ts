import type { Problems } from "./problems";

/** Where the secrets appear in the containers: the default, and the paths a mount may not take. */

export const DEFAULT_MOUNT_PATH = "/run/secrets/app";
/** Where the fetch container mounts the spec's ConfigMap (read-only; the app containers do not mount it). */
export const FETCH_SPEC_DIR = "/etc/secret-mount-spec";
export const FETCH_SPEC_FILE = "spec.json";

/**
 * System directories a mount may not replace: the root, the directories every image's programs and
 * libraries live in, the kernel's and runtime's virtual file systems, and the scratch directories
 * programs write to. Their subdirectories are fine (`/etc/secrets` is what teams migrating from
 * Kubernetes Secret volumes keep), except under the virtual file systems.
 */
export const SYSTEM_DIRECTORIES = [
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/lib",
  "/usr/local",
  "/usr/sbin",
  "/usr/share",
  "/var",
  "/var/lib",
  "/var/run",
  "/var/tmp",
];
/** Kernel and runtime file systems: nothing may be mounted inside them either. */
const VIRTUAL_FILE_SYSTEMS = ["/dev", "/proc", "/sys"];
/** Files the kubelet itself mounts into every container. */
const KUBELET_FILES = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];
/** Projected service-account and cloud identity token directories (/var/run is /run in most images). */
export const TOKEN_DIRECTORIES = ["/var/run", "/run"].flatMap((r) => [
  `${r}/secrets/kubernetes.io/serviceaccount`,
  `${r}/secrets/eks.amazonaws.com/serviceaccount`,
  `${r}/secrets/pods.eks.amazonaws.com/serviceaccount`,
  `${r}/secrets/azure/tokens`,
  `${r}/secrets/secret-mount`,
]);
const within = (path: string, dir: string) => dir === "/" || path.startsWith(`${dir}/`);

/** Why a mount path would hide something a container needs, or undefined. */
export function mountPathProblem(mountPath: string): string | undefined {
  const fix = `use a dedicated directory such as "${DEFAULT_MOUNT_PATH}" or "/etc/secrets"`;
  if (SYSTEM_DIRECTORIES.includes(mountPath)) return `"${mountPath}" would hide the system directory itself; ${fix}`;
  const vfs = VIRTUAL_FILE_SYSTEMS.find((d) => within(mountPath, d));
  if (vfs) return `"${mountPath}" is inside ${vfs}, which the container runtime provides; ${fix}`;
  if (KUBELET_FILES.includes(mountPath))
    return `"${mountPath}" is a file the kubelet mounts into every container; ${fix}`;
  if (mountPath === FETCH_SPEC_DIR || within(mountPath, FETCH_SPEC_DIR) || within(FETCH_SPEC_DIR, mountPath)) {
    return `"${mountPath}" collides with ${FETCH_SPEC_DIR}, where the fetch container reads a large FetchSpec; ${fix}`;
  }
  const token = TOKEN_DIRECTORIES.find((t) => t === mountPath || within(t, mountPath) || within(mountPath, t));
  if (token) return `"${mountPath}" would hide or sit inside the projected token directory ${token}; ${fix}`;
  return undefined;
}

/** The mount path as given (default {@link DEFAULT_MOUNT_PATH}), with repeated and trailing slashes dropped; fails on any other problem. */
export function normalizeMountPath(given: unknown, problems: Problems): string {
  const { fail } = problems;
  const path = given ?? DEFAULT_MOUNT_PATH;
  if (typeof path !== "string") fail("mountPath", `must be a string such as "${DEFAULT_MOUNT_PATH}"`);
  const collapsed = (path as string).replace(/\/{2,}/g, "/");
  const mountPath = collapsed.length > 1 ? collapsed.replace(/\/$/, "") : collapsed;
  if (
    !mountPath.startsWith("/") ||
    mountPath.split("/").some((s) => s === ".." || s === ".") ||
    mountPath.includes(":")
  ) {
    fail(
      "mountPath",
      `"${given}" must be an absolute path without "." or ".." segments or ":", e.g. "${DEFAULT_MOUNT_PATH}"`,
    );
  }
  const problem = mountPathProblem(mountPath);
  if (problem) fail("mountPath", problem);
  return mountPath;
}
