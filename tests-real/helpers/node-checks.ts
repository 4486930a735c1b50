import assert from "node:assert/strict";
import { MOUNT } from "./node-pods";

/**
 * The check an app container runs on the real node instead of its command (it prints hashes, never
 * values), and the assertions on what it printed.
 */

/** A check an app container runs: who it is, each file's mode, owner and hash, the mount, a write attempt. */
export function checkScript(files: string[], then: string): string {
  return [
    `d=${MOUNT}`,
    `echo "check id $(id -u) $(id -G)"`,
    ...files.map(
      (f) => `echo "check file ${f} $(stat -L -c '%a %u %g' "$d/${f}") $(sha256sum < "$d/${f}" | cut -d' ' -f1)"`,
    ),
    `echo "check dir . $(stat -c '%a %u %g' "$d")"`,
    `echo "check dir ..data $(stat -L -c '%a %u %g' "$d/..data")"`,
    `echo "check data-link $(readlink "$d/..data")"`,
    `echo "check mount $(grep " $d " /proc/mounts)"`,
    `echo "check write $(touch "$d/intruder" 2>&1 && echo written)"`,
    `echo "check write-data $(touch "$d/..data/intruder" 2>&1 && echo written)"`,
    "echo checks-done",
    then,
  ].join("\n");
}

/** The `check ...` lines of an app container's log, by key. */
export function checks(log: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of log.split("\n")) {
    const r = /^check (id|mount|write-data|write|data-link|file \S+|dir \S+|dotenv \S+) ?(.*)$/.exec(l);
    if (r) m.set(r[1], r[2]);
  }
  return m;
}

/** Asserts what an app container's check script printed: its user and groups, each file, the volume. */
export function assertChecks(
  log: string,
  expected: Map<string, string>,
  sizeLimit: string,
  fsGroup: number,
  fileMode: string,
  runAsGroup?: number,
) {
  const c = checks(log);
  const [uid, ...groups] = (c.get("id") ?? "").split(" ");
  assert.equal(uid, "10001", "the app runs as its declared UID");
  // `id -G` lists the primary group first: the declared runAsGroup, or the image's (0 here) without one.
  if (runAsGroup !== undefined) assert.equal(groups[0], String(runAsGroup), "the app's primary group: runAsGroup");
  assert.ok(groups.includes(String(fsGroup)), `fsGroup ${fsGroup} among the app's groups: ${groups.join(",")}`);
  for (const [file, hash] of expected) {
    assert.equal(
      c.get(`file ${file}`),
      `${parseInt(fileMode, 8).toString(8)} 65532 ${fsGroup} ${hash}`,
      `${file}: mode, owner, group and content`,
    );
  }
  // The volume's root: the kubelet's SetVolumeOwnership (group fsGroup, setgid); the data dir as
  // runtime-image/README.md promises: 0750 with setgid kept, the fetcher's, group fsGroup.
  const [rootMode, , rootGroup] = (c.get("dir .") ?? "").split(" ");
  assert.equal(rootGroup, String(fsGroup), `the volume root's group: ${c.get("dir .")}`);
  assert.ok(parseInt(rootMode, 8) & 0o2000, `the volume root is setgid: ${c.get("dir .")}`);
  assert.equal(c.get("dir ..data"), `2750 65532 ${fsGroup}`);
  const mount = (c.get("mount") ?? "").split(" ");
  assert.equal(mount[2], "tmpfs", `the volume is tmpfs: ${c.get("mount")}`);
  const opts = mount[3].split(",");
  assert.ok(opts.includes("ro"), `mounted read-only in the app: ${mount[3]}`);
  // The kernel shows a tmpfs size in KiB (shmem_show_options: ",size=%luk").
  const q = /^(\d+)(Ki|Mi|Gi)$/.exec(sizeLimit);
  assert.ok(q, `a sizeLimit in Ki, Mi or Gi: ${sizeLimit}`);
  const kib = Number(q[1]) * { Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[q[2] as "Ki" | "Mi" | "Gi"];
  assert.ok(opts.includes(`size=${kib}k`), `tmpfs size = the rendered sizeLimit ${sizeLimit}: ${mount[3]}`);
  assert.match(c.get("write") ?? "", /Read-only file system/, log);
  assert.match(c.get("write-data") ?? "", /Read-only file system/, log);
}
