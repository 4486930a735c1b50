/** Process exit codes of the fetch program (documented in runtime-image/README.md). */
import { RESTART_POD_EXIT_CODE } from "../../spec/fetch-spec";

export const EXIT = {
  /**
   * Every file is in place (init), or a clean shutdown (refresh). Also a stop (SIGTERM/SIGINT) at any
   * point: in-flight requests are aborted and nothing partial is left visible. `--probe`: the first
   * write happened.
   */
  OK: 0,
  /** One or more files could not be fetched or transformed; nothing was made visible. `--probe`: not yet written. */
  FETCH_FAILED: 1,
  /** The spec or the legacy environment is invalid; nothing was fetched. */
  INVALID_CONFIG: 2,
  /** The volume could not be written (unwritable, full, not a directory, not ours); nothing was made visible. */
  WRITE_FAILED: 3,
  /**
   * The new set was swapped in (`..data` points at it) but a step after the swap failed, so a
   * top-level name may not link to it: what readers see may be incomplete. (Failed housekeeping after
   * the swap, such as removing the previous generation, is only a warning: exit 0.)
   */
  WRITE_INCOMPLETE: 4,
  /**
   * Refresh mode with `notify.restartPod`: a new set is in place and the pod should restart all its
   * containers in place; the restart rule on the sidecar (`RestartAllContainers` on this code) does it.
   */
  RESTART_POD: RESTART_POD_EXIT_CODE,
  /** A bug: an unexpected internal error (its stack is not printed, only its class name). */
  INTERNAL: 70,
} as const;
