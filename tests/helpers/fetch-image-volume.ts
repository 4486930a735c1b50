import * as fs from "node:fs";
import * as path from "node:path";

export const DOCKERFILE = path.resolve(__dirname, "../../runtime-image/Dockerfile");

/** A directory the fetch image declares as a VOLUME, with the owner and mode the Dockerfile gives it. */
export interface ImageVolume {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

/** Instructions of one stage: continuation lines joined, comments dropped. */
function stages(text: string): string[][] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const out: string[][] = [];
  for (const l of lines) {
    if (/^FROM\s/i.test(l)) out.push([l]);
    else if (out.length) out[out.length - 1].push(l);
  }
  return out;
}

/** fetch-image/Dockerfile, the one the npm package carries: the prebuilt bundle onto the runtime base. */
export const PACKAGE_DOCKERFILE = path.resolve(__dirname, "../../fetch-image/Dockerfile");

/** The directory `NODE_INSTALL_DIR` makes: the base has no shell, so its Node does what `install -d` does. */
const NODE_INSTALL_DIR =
  "const [u, g, m, d] = process.argv.slice(1); const fs = require('fs'); fs.mkdirSync(d, { recursive: true }); " +
  "fs.chownSync(d, Number(u), Number(g)); fs.chmodSync(d, parseInt(m, 8));";

/**
 * A build-stage instruction that makes a directory with an owner and mode, as [_, uid, gid, mode, path]:
 * `RUN install -d -o <uid> -g <gid> -m <mode> <path>`, or (no shell in the base) the exec form
 * `RUN ["/nodejs/bin/node", "-e", NODE_INSTALL_DIR, "<uid>", "<gid>", "<mode>", "<path>"]`.
 */
function madeDirectory(instruction: string): string[] | undefined {
  const install = /^RUN\s+install\s+-d\s+-o\s+(\d+)\s+-g\s+(\d+)\s+-m\s+([0-7]{3,4})\s+(\S+)$/.exec(instruction);
  if (install) return [...install];
  const exec = /^RUN\s+(\[.*\])$/.exec(instruction);
  if (!exec) return undefined;
  const argv: unknown = JSON.parse(exec[1]);
  if (
    !Array.isArray(argv) ||
    argv.length !== 7 ||
    argv[0] !== "/nodejs/bin/node" ||
    argv[1] !== "-e" ||
    argv[2] !== NODE_INSTALL_DIR
  )
    return undefined;
  const [u, g, m, d] = argv.slice(3) as string[];
  return /^\d+$/.test(u) && /^\d+$/.test(g) && /^[0-7]{3,4}$/.test(m) ? [instruction, u, g, m, d] : undefined;
}

/**
 * Reads runtime-image/Dockerfile (no Docker engine here to build it): each VOLUME of the final
 * stage, the `COPY --from=build --chown=<uid>:<gid> <staging>/ /` before it that puts the directory
 * there, and the build stage's `RUN install -d -o <uid> -g <gid> -m <mode> <staging><path>` that
 * makes it. Throws when the Dockerfile does not say all three, in that order.
 */
export function fetchImageVolumes(text = fs.readFileSync(DOCKERFILE, "utf8")): ImageVolume[] {
  const all = stages(text);
  const final = all[all.length - 1];
  const build = all.find((s) => /\sAS\s+build$/i.test(s[0]));
  if (!build) throw new Error("the Dockerfile has no `build` stage");
  const volumes: ImageVolume[] = [];
  final.forEach((ins, at) => {
    const m = /^VOLUME\s+(.+)$/i.exec(ins);
    if (!m) return;
    const paths: string[] = m[1].trim().startsWith("[") ? JSON.parse(m[1]) : m[1].trim().split(/\s+/);
    for (const p of paths) {
      const copy = final
        .slice(0, at)
        .map((c) => /^COPY\s+--from=build\s+--chown=(\d+):(\d+)\s+(\/\S+)\/\s+\/$/.exec(c))
        .filter((c) => c !== null)
        .pop();
      if (!copy)
        throw new Error(
          `VOLUME ${p}: no \`COPY --from=build --chown=<uid>:<gid> <staging>/ /\` before it makes the directory`,
        );
      const staged = `${copy[3]}${p}`;
      const made = build.map(madeDirectory).find((c) => c?.[4] === staged);
      if (!made)
        throw new Error(
          `VOLUME ${p}: the build stage does not make ${staged} with \`install -d -o <uid> -g <gid> -m <mode>\` (or the package Dockerfile's Node equivalent)`,
        );
      if (made[1] !== copy[1] || made[2] !== copy[2])
        throw new Error(`VOLUME ${p}: made as ${made[1]}:${made[2]} but copied as ${copy[1]}:${copy[2]}`);
      volumes.push({ path: p, uid: Number(copy[1]), gid: Number(copy[2]), mode: parseInt(made[3], 8) });
    }
  });
  return volumes;
}
