import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Container images without a registry or a Docker engine: a root filesystem laid out in a staging
 * directory (real owners and modes: the tier runs as root), packed as one uncompressed layer by GNU
 * tar, and written as an OCI image-layout tar (oci-layout, index.json, blobs/sha256/...) that
 * `ctr images import` reads.
 */

const ROOT = path.resolve(__dirname, "../..");

/** The parts of an OCI image config (image-spec config.md, "config" object) the tier sets. */
export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Volumes?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
}

/**
 * The fetch image as runtime-image/Dockerfile's final stage declares it (a test compares the two).
 * The distroless base's own PATH comes first, as in the built image.
 */
export const FETCH_IMAGE_CONFIG: ImageConfig = {
  User: "65532:65532",
  Env: [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "NODE_COMPILE_CACHE=/app/compile-cache",
    "AWS_EC2_METADATA_DISABLED=true",
  ],
  Entrypoint: ["/nodejs/bin/node", "--max-semi-space-size=1", "/app/fetch.js"],
  WorkingDir: "/app",
  Volumes: { "/secret-mount": {} },
};

/** Where each image is found once imported (no registry: the names only have to match the pods'). */
export const IMAGE_NAMES = {
  fetch: "localhost/secret-mount-fetch:node-test",
  app: "localhost/secret-mount-busybox:node-test",
  /** The same busybox, its user named by the image (USER 10001:10001), as a chart's image would. */
  appUser: "localhost/secret-mount-busybox-user:node-test",
  pause: "localhost/secret-mount-pause:node-test",
};

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Writes `rootfs` as an OCI image-layout tar at `out`, the image named `name`. */
export function writeOciArchive(rootfs: string, config: ImageConfig, name: string, out: string): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-oci-"));
  try {
    const blobs = path.join(work, "blobs", "sha256");
    fs.mkdirSync(blobs, { recursive: true });
    const layerFile = path.join(work, "layer.tar");
    // Numeric owners as staged, sorted names and a fixed time: the same tree gives the same digest.
    execFileSync("tar", [
      "-C",
      rootfs,
      "--numeric-owner",
      "--sort=name",
      "--mtime=@0",
      "--xattrs",
      "-cf",
      layerFile,
      ".",
    ]);
    const layer = fs.readFileSync(layerFile);
    fs.rmSync(layerFile);
    const layerDigest = sha256(layer);
    fs.writeFileSync(path.join(blobs, layerDigest), layer);
    const configBlob = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config,
        rootfs: { type: "layers", diff_ids: [`sha256:${layerDigest}`] },
        history: [{ created_by: "tests-real/helpers/images.ts", created: "1970-01-01T00:00:00Z" }],
      }),
    );
    const configDigest = sha256(configBlob);
    fs.writeFileSync(path.join(blobs, configDigest), configBlob);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: `sha256:${configDigest}`,
          size: configBlob.length,
        },
        layers: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: `sha256:${layerDigest}`, size: layer.length },
        ],
      }),
    );
    const manifestDigest = sha256(manifest);
    fs.writeFileSync(path.join(blobs, manifestDigest), manifest);
    fs.writeFileSync(path.join(work, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    fs.writeFileSync(
      path.join(work, "index.json"),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: `sha256:${manifestDigest}`,
            size: manifest.length,
            platform: { architecture: "amd64", os: "linux" },
            // containerd's importer names the image after io.containerd.image.name.
            annotations: {
              "io.containerd.image.name": name,
              "org.opencontainers.image.ref.name": name.split(":").pop()!,
            },
          },
        ],
      }),
    );
    execFileSync("tar", ["-C", work, "--numeric-owner", "-cf", out, "oci-layout", "index.json", "blobs"]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function install(src: string, dest: string, mode: number, uid = 0, gid = 0): void {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(src, dest);
  fs.chmodSync(dest, mode);
  fs.chownSync(dest, uid, gid);
}

function dir(p: string, mode: number, uid = 0, gid = 0): void {
  fs.mkdirSync(p, { recursive: true });
  fs.chmodSync(p, mode);
  fs.chownSync(p, uid, gid);
}

/** The shared libraries a dynamically linked binary loads (ldd), each at the path the loader looks at. */
function sharedLibraries(bin: string): string[] {
  const out = execFileSync("ldd", [bin], { encoding: "utf8" });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/**
 * The fetch image's root filesystem, laid out as runtime-image/Dockerfile lays it out on the
 * distroless Node 24 base (gcr.io/distroless/nodejs24-debian12: Node at /nodejs/bin/node, glibc and
 * libstdc++ from Debian 12, /etc/passwd with nonroot 65532, /tmp, the CA bundle, no shell):
 *   /app            the bundle (runtime-image/dist), root's
 *   /app/compile-cache  baked by this Node as 65532 with the ENTRYPOINT's flags (chroot into the image)
 *   /secret-mount   65532:65532, mode 2750 (setgid)
 * The Node 24 binary is the npm package `node`'s (node_modules/node/bin/node); its libraries are the
 * host's (Debian 12, as the distroless base). Returns the staging directory.
 */
export function stageFetchImage(work: string): string {
  const rootfs = path.join(work, "fetch-rootfs");
  fs.rmSync(rootfs, { recursive: true, force: true });
  dir(rootfs, 0o755);
  const nodeBin = fs.realpathSync(path.join(ROOT, "node_modules/node/bin/node"));
  const dist = path.join(ROOT, "runtime-image/dist");
  if (!fs.existsSync(path.join(dist, "fetch.js")))
    throw new Error("runtime-image/dist/fetch.js is missing: run `npm run build` first");
  for (const d of ["etc", "nodejs", "nodejs/bin", "usr", "usr/lib", "lib", "lib64", "home"])
    dir(path.join(rootfs, d), 0o755);
  dir(path.join(rootfs, "tmp"), 0o1777);
  dir(path.join(rootfs, "home/nonroot"), 0o700, 65532, 65532);
  install(nodeBin, path.join(rootfs, "nodejs/bin/node"), 0o755);
  for (const lib of sharedLibraries(nodeBin)) install(fs.realpathSync(lib), path.join(rootfs, lib), 0o755);
  fs.writeFileSync(
    path.join(rootfs, "etc/passwd"),
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
  );
  fs.writeFileSync(path.join(rootfs, "etc/group"), "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n");
  for (const f of ["etc/passwd", "etc/group"]) fs.chmodSync(path.join(rootfs, f), 0o644);
  const ca = "/etc/ssl/certs/ca-certificates.crt";
  if (fs.existsSync(ca)) install(ca, path.join(rootfs, ca), 0o644);
  // COPY --from=build --chown=0:0 /src/runtime-image/dist/ /app/
  fs.cpSync(dist, path.join(rootfs, "app"), { recursive: true });
  execFileSync("chown", ["-R", "0:0", path.join(rootfs, "app")]);
  execFileSync("chmod", ["-R", "u=rwX,go=rX", path.join(rootfs, "app")]);
  // The compile-cache stage: RUN ["/nodejs/bin/node", "--max-semi-space-size=1", "/warmup/compile-cache-warmup.mjs", "/app", "/tmp/compile-cache"]
  // as 65532, inside the image's own filesystem; then COPY --chown=0:0 into /app/compile-cache/.
  install(
    path.join(ROOT, "runtime-image/compile-cache-warmup.mjs"),
    path.join(rootfs, "warmup/compile-cache-warmup.mjs"),
    0o644,
  );
  const flags = FETCH_IMAGE_CONFIG.Entrypoint!.slice(1, -1);
  // As a build step sees it: /proc (Node finds its own binary there) and /dev (child_process opens
  // /dev/null), mounted in a private mount namespace and gone with it.
  dir(path.join(rootfs, "proc"), 0o555);
  dir(path.join(rootfs, "dev"), 0o755);
  execFileSync(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--pid",
      "--fork",
      `--mount-proc=${path.join(rootfs, "proc")}`,
      "sh",
      "-c",
      'mount --rbind /dev "$1/dev" && exec chroot --userspec=65532:65532 "$@"',
      "sh",
      rootfs,
      "/nodejs/bin/node",
      ...flags,
      "/warmup/compile-cache-warmup.mjs",
      "/app",
      "/tmp/compile-cache",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  fs.renameSync(path.join(rootfs, "tmp/compile-cache"), path.join(rootfs, "app/compile-cache"));
  execFileSync("chown", ["-R", "0:0", path.join(rootfs, "app/compile-cache")]);
  execFileSync("chmod", ["-R", "u=rwX,go=rX", path.join(rootfs, "app/compile-cache")]);
  fs.rmSync(path.join(rootfs, "warmup"), { recursive: true });
  fs.rmdirSync(path.join(rootfs, "proc"));
  fs.rmdirSync(path.join(rootfs, "dev"));
  // RUN install -d -o 65532 -g 65532 -m 2750 /volume/secret-mount; COPY --from=build --chown=65532:65532 /volume/ /
  dir(path.join(rootfs, "secret-mount"), 0o2750, 65532, 65532);
  return rootfs;
}

/** A static busybox (Debian's busybox-static) with a link per applet: the app containers' image. */
export function stageBusyboxImage(work: string, busybox: string): string {
  const rootfs = path.join(work, "busybox-rootfs");
  fs.rmSync(rootfs, { recursive: true, force: true });
  dir(rootfs, 0o755);
  for (const d of ["bin", "etc"]) dir(path.join(rootfs, d), 0o755);
  dir(path.join(rootfs, "tmp"), 0o1777);
  install(busybox, path.join(rootfs, "bin/busybox"), 0o755);
  const applets = execFileSync(busybox, ["--list"], { encoding: "utf8" })
    .split("\n")
    .filter((a) => a && a !== "busybox");
  for (const a of applets) fs.symlinkSync("busybox", path.join(rootfs, "bin", a));
  fs.writeFileSync(path.join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  // An app's reload endpoint for refresh mode's HTTP notification (`httpd -h /www`): it answers 200
  // and logs the request and the hash of what it then reads (never the value) to the container's log.
  dir(path.join(rootfs, "www"), 0o755);
  dir(path.join(rootfs, "www/cgi-bin"), 0o755);
  fs.writeFileSync(
    path.join(rootfs, "www/cgi-bin/reload"),
    [
      "#!/bin/sh",
      'for f in ${RELOAD_FILES}; do echo "reload $REQUEST_METHOD $f $(sha256sum < "${RELOAD_DIR}/$f" | cut -d\' \' -f1) $(readlink "${RELOAD_DIR}/..data")" > /proc/1/fd/1; done',
      "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return rootfs;
}

/** Kubernetes' pause binary alone, as registry.k8s.io/pause is (user 65535). */
export function stagePauseImage(work: string, pause: string): string {
  const rootfs = path.join(work, "pause-rootfs");
  fs.rmSync(rootfs, { recursive: true, force: true });
  dir(rootfs, 0o755);
  install(pause, path.join(rootfs, "pause"), 0o755);
  return rootfs;
}

/** Reads an OCI image-layout tar's image config (for checks against the Dockerfile). */
export function readArchiveConfig(archive: string): { config: ImageConfig; files: string[] } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-oci-read-"));
  try {
    execFileSync("tar", ["-C", work, "-xf", archive]);
    const index = JSON.parse(fs.readFileSync(path.join(work, "index.json"), "utf8"));
    const blob = (d: string) => fs.readFileSync(path.join(work, "blobs", "sha256", d.replace(/^sha256:/, "")));
    const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
    const config = JSON.parse(blob(manifest.config.digest).toString());
    // Owner, group, mode and name of every entry: `tar -tv --numeric-owner` of the layer.
    const layer = path.join(work, "blobs", "sha256", manifest.layers[0].digest.replace(/^sha256:/, ""));
    const files = execFileSync("tar", ["--numeric-owner", "-tvf", layer], { encoding: "utf8", maxBuffer: 64 << 20 })
      .split("\n")
      .filter(Boolean);
    return { config: config.config, files };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
