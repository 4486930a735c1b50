import { DeclarationError } from "./declaration-error";
import type { MountTarget } from "./target";
import type { SecretSetDeclaration } from "./secret-set";
import { bytesToQuantity, quantityBytes } from "./quantity";
import { KUBELET_ENV_LIMITS } from "../../spec/kubelet-env-file";

const PAGE = 4096;
const MIN_VOLUME = 1024 * 1024;

/**
 * Bytes the memory volume may need: every file at its largest, rounded up to whole pages (tmpfs
 * charges pages), twice over because an atomic swap holds the old and new sets at once.
 * `maxBytesOfFile(path)` is the largest value the store can hold for that file.
 */
export function requiredVolumeBytes(decl: SecretSetDeclaration, maxBytesOfFile: (path: string) => number): number {
  const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE)) * PAGE;
  let total = 0;
  for (const s of decl.secrets) for (const f of s.files) total += pages(maxBytesOfFile(f.path));
  if (decl.envFile) {
    const envBytes = Object.entries(decl.envFile.vars).reduce(
      (n, [k, p]) => n + k.length + 4 + 2 * maxBytesOfFile(p),
      0,
    );
    total += pages(envBytes);
  }
  // The kubelet's env file (secretEnv): NAME='value' lines, at most its own limit.
  const kubeletEnv = (decl as { kubeletEnvFile?: { vars: { [name: string]: string } } }).kubeletEnvFile;
  if (kubeletEnv) {
    const envBytes = Object.entries(kubeletEnv.vars).reduce(
      (n, [k, p]) => n + k.length + 4 + Math.min(maxBytesOfFile(p), KUBELET_ENV_LIMITS.valueBytes),
      0,
    );
    total += pages(Math.min(envBytes, KUBELET_ENV_LIMITS.fileBytes));
  }
  return 2 * total;
}

/** The sizeLimit to render: the user's (checked to be big enough) or the required size, at least 1Mi. */
export function volumeSizeLimit(decl: MountTarget, requiredBytes: number): string {
  if (decl.volumeSizeLimit === undefined) return bytesToQuantity(Math.max(MIN_VOLUME, requiredBytes));
  const given = quantityBytes(decl.volumeSizeLimit)!;
  if (given < requiredBytes) {
    throw new DeclarationError(
      "volumeSizeLimit",
      `"${decl.volumeSizeLimit}" is smaller than the declared secrets may need (${bytesToQuantity(requiredBytes)}: ` +
        `each file at its store's maximum size, in whole 4 KiB pages, twice for the atomic swap); set at least "${bytesToQuantity(requiredBytes)}" or omit it`,
      decl.name,
    );
  }
  return decl.volumeSizeLimit;
}
