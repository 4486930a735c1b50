import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, killGroup, signedByClientCA, startGuarded, type Cluster } from "./cluster";

/**
 * A real node for the real tier's API server: containerd (own root, state and socket under a temp
 * dir) with a runc built here, the kubelet registered with the API server as system:node:<name>
 * (a client certificate signed by the server's client CA), kube-scheduler, and a pod network that
 * exists only inside this machine: a bridge with the private range the tests choose, Debian's
 * bridge/host-local/loopback CNI plugins, no default route in the pods, no masquerade. The tier runs
 * as root (the kubelet needs it); the containers run as the real UIDs their pods declare.
 * `stop()` is synchronous (it also runs from an exit handler) and leaves nothing behind: processes,
 * mounts (the kubelet's tmpfs volumes, containerd's overlays, network namespaces), cgroups, the bridge.
 */

export interface NodeTools {
  kubelet: string;
  scheduler: string;
  /** The directory with containerd, ctr and containerd-shim-runc-v2. */
  containerdDir: string;
  runc: string;
  /** The directory with the bridge, host-local and loopback plugins. */
  cniDir: string;
}

export interface NodeOptions {
  /** The pod network: a /24 of a private range, e.g. 10.250.81.0/24; the bridge takes .1. */
  podSubnet: string;
  /** The sandbox (pause) image, imported before pods start. */
  pauseImage: string;
}

export interface KubeNode {
  name: string;
  dir: string;
  /** The bridge's own address: reachable from every pod (servers for the pods listen here). */
  bridgeIp: string;
  bridge: string;
  /** Runs ctr against this node's containerd, in the k8s.io namespace. */
  ctr(args: string[]): string;
  /** Imports an OCI image-layout tar into the node's image store. */
  importImage(archive: string): void;
  /** The log of one container's latest run (the kubelet's log file under podLogsDir), "" if none. */
  containerLog(namespace: string, pod: string, container: string): string;
  /** The tail of every component's log, for a failing test's message. */
  logs(): string;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n") : "";
}

/** The cgroup v1 hierarchies mounted here (and the v2 one of a hybrid layout). */
function cgroupHierarchies(): string[] {
  return fs
    .readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .filter((f) => f[2] === "cgroup" || f[2] === "cgroup2")
    .map((f) => f[1]);
}

/** Every process in a cgroup subtree, SIGKILLed; then the subtree removed, deepest first. */
function removeCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const dirs: string[] = [];
  const walk = (d: string) => {
    dirs.push(d);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  for (let round = 0; round < 20; round++) {
    let left = 0;
    for (const d of dirs) {
      const procs = path.join(d, "cgroup.procs");
      if (!fs.existsSync(procs)) continue;
      for (const pid of fs.readFileSync(procs, "utf8").split("\n").filter(Boolean)) {
        left++;
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    if (left === 0) break;
    execFileSync("sleep", ["0.2"]);
  }
  for (const d of dirs.reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      /* still busy: reported by the caller's check */
    }
  }
}

/** Mount points at or under `dir` (this mount namespace), deepest first. */
function mountsUnder(dir: string): string[] {
  const decode = (s: string) => s.replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => decode(l.split(" ")[4]))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Pids whose command line names `needle` (a path unique to this node). */
function pidsNaming(needle: string): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

export async function startNode(cluster: Cluster, tools: NodeTools, opts: NodeOptions): Promise<KubeNode> {
  const id = randomBytes(3).toString("hex");
  const name = `sm-node-${id}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-node-"));
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(opts.podSubnet);
  if (!m) throw new Error(`podSubnet must be a /24 ending in .0, got ${opts.podSubnet}`);
  const bridgeIp = `${m[1]}.1`;
  const bridge = `smbr${id}`;
  const netName = `secret-mount-${id}`;
  const cgroupRoot = `/secret-mount-${id}`;
  const sock = path.join(dir, "containerd", "containerd.sock");
  const podLogs = path.join(dir, "pod-logs");
  const procs: ChildProcess[] = [];
  const logFiles = ["containerd.log", "kubelet.log", "kube-scheduler.log"].map((f) => path.join(dir, f));
  const ctrBin = path.join(tools.containerdDir, "ctr");
  const ctr = (args: string[]) =>
    execFileSync(ctrBin, ["--address", sock, "--namespace", "k8s.io", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    });

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const p of procs.reverse()) killGroup(p);
    // The pods' processes (containers and sandboxes): all in the kubelet's cgroup root.
    for (const h of cgroupHierarchies()) removeCgroupTree(path.join(h, cgroupRoot));
    // containerd's shims outlive containerd; each names this node's socket on its command line.
    for (const pid of pidsNaming(sock)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    // A second pass: a shim that was still reaping may have kept a cgroup busy.
    for (const h of cgroupHierarchies()) removeCgroupTree(path.join(h, cgroupRoot));
    // The kubelet's tmpfs volumes, containerd's overlays and shm, the pods' network namespaces.
    for (let i = 0; i < 3; i++) {
      for (const mnt of mountsUnder(dir)) {
        try {
          execFileSync("umount", [mnt], { stdio: "ignore" });
        } catch {
          try {
            execFileSync("umount", ["-l", mnt], { stdio: "ignore" });
          } catch {
            /* next round */
          }
        }
      }
      if (mountsUnder(dir).length === 0) break;
    }
    try {
      execFileSync("ip", ["link", "del", bridge], { stdio: "ignore" });
    } catch {
      /* not made */
    }
    // libcni's cache of this node's results (containerd gives it no directory of ours): this
    // network's, and the loopback network's of each of this node's sandboxes.
    const cache = "/var/lib/cni/results";
    const sandboxes = new Set<string>();
    for (const d of [
      path.join(dir, "containerd/root/io.containerd.grpc.v1.cri/sandboxes"),
      path.join(dir, "containerd/state/io.containerd.runtime.v2.task/k8s.io"),
    ]) {
      if (fs.existsSync(d)) for (const id of fs.readdirSync(d)) sandboxes.add(id);
    }
    if (fs.existsSync(cache)) {
      for (const f of fs.readdirSync(cache)) {
        const lo = /^cni-loopback-([0-9a-f]{64})-lo$/.exec(f);
        if (f.startsWith(`${netName}-`) || (lo && sandboxes.has(lo[1])))
          fs.rmSync(path.join(cache, f), { force: true });
      }
    }
    if (mountsUnder(dir).length === 0) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);

  try {
    // The pod network: the bridge with its address, made before the pods so servers can listen on it.
    execFileSync("ip", ["link", "add", "name", bridge, "type", "bridge"]);
    execFileSync("ip", ["addr", "add", `${bridgeIp}/24`, "dev", bridge]);
    execFileSync("ip", ["link", "set", bridge, "up"]);
    const cniConf = path.join(dir, "cni", "net.d");
    fs.mkdirSync(cniConf, { recursive: true });
    fs.writeFileSync(
      path.join(cniConf, "10-secret-mount.conflist"),
      JSON.stringify({
        cniVersion: "1.0.0",
        name: netName,
        plugins: [
          {
            type: "bridge",
            bridge,
            isGateway: true,
            isDefaultGateway: false,
            ipMasq: false,
            hairpinMode: false,
            // No routes: a pod reaches its own subnet (the bridge's address included) and nothing else.
            ipam: {
              type: "host-local",
              ranges: [[{ subnet: opts.podSubnet, gateway: bridgeIp }]],
              dataDir: path.join(dir, "cni", "ipam"),
            },
          },
        ],
      }),
    );

    // containerd's configuration (version 4, containerd 2.4): nothing from /etc/containerd.
    const cd = path.join(dir, "containerd");
    fs.mkdirSync(cd, { recursive: true });
    fs.writeFileSync(
      path.join(cd, "config.toml"),
      `version = 4
root = "${cd}/root"
state = "${cd}/state"
imports = []
disabled_plugins = ["io.containerd.internal.v1.tracing", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.erofs"]

[plugins."io.containerd.server.v1.grpc"]
  address = "${sock}"

[plugins."io.containerd.server.v1.ttrpc"]
  address = "${sock}.ttrpc"

[debug]
  level = "info"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "${opts.pauseImage}"

[plugins."io.containerd.cri.v1.runtime"]
  # This machine kind denies lowering oom_score_adj even to root: without this every sandbox fails
  # with runc's "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "${tools.runc}"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["${tools.cniDir}"]
    conf_dir = "${cniConf}"
    max_conf_num = 1

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`,
    );
    const env = { ...process.env, PATH: `${tools.containerdDir}:${process.env.PATH}` };
    procs.push(
      startGuarded(
        path.join(tools.containerdDir, "containerd"),
        ["--config", path.join(cd, "config.toml")],
        logFiles[0],
        env,
      ),
    );
    for (let i = 0; ; i++) {
      if (fs.existsSync(sock)) {
        try {
          ctr(["version"]);
          break;
        } catch {
          /* not serving yet */
        }
      }
      if (i > 120) throw new Error(`containerd did not start:\n${tail(logFiles[0])}`);
      await sleep(250);
    }

    // The kubelet's identity: system:node:<name> in system:nodes, signed by the server's client CA.
    const pki = path.join(dir, "pki");
    fs.mkdirSync(pki);
    const { key, crt } = signedByClientCA(cluster, pki, "kubelet", `/O=system:nodes/CN=system:node:${name}`);
    const kubeconfig = path.join(dir, "kubelet.kubeconfig");
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "node",
        clusters: [{ name: "test", cluster: { server: cluster.url, "certificate-authority": cluster.servingCA } }],
        users: [{ name: "node", user: { "client-certificate": crt, "client-key": key } }],
        contexts: [{ name: "node", context: { cluster: "test", user: "node" } }],
      }),
      { mode: 0o600 },
    );

    // Its cgroup root (it must exist), in every hierarchy: the pods' processes are found there at stop.
    for (const h of cgroupHierarchies()) fs.mkdirSync(path.join(h, cgroupRoot), { recursive: true });
    const [kubeletPort, healthzPort, schedulerPort] = [await freePort(), await freePort(), await freePort()];
    fs.writeFileSync(path.join(dir, "resolv.conf"), "");
    const kubeletConfig = path.join(dir, "kubelet.yaml");
    fs.writeFileSync(
      kubeletConfig,
      JSON.stringify({
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        // This machine kind has a hybrid cgroup layout (v1 controllers): KEP-5573 makes v1 opt-in.
        failCgroupV1: false,
        cgroupDriver: "cgroupfs",
        cgroupRoot,
        containerRuntimeEndpoint: `unix://${sock}`,
        address: "127.0.0.1",
        port: kubeletPort,
        readOnlyPort: 0,
        healthzBindAddress: "127.0.0.1",
        healthzPort,
        authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
        authorization: { mode: "AlwaysAllow" },
        podLogsDir: podLogs,
        resolvConf: path.join(dir, "resolv.conf"),
        failSwapOn: false,
        // A shared test machine: no evictions for its disk or memory, no image garbage collection.
        evictionHard: {
          "memory.available": "1Mi",
          "nodefs.available": "1%",
          "imagefs.available": "1%",
          "nodefs.inodesFree": "1%",
        },
        imageGCHighThresholdPercent: 100,
        imageGCLowThresholdPercent: 99,
        // Status reports often enough for tests to see a change quickly.
        nodeStatusUpdateFrequency: "2s",
        syncFrequency: "5s",
        fileCheckFrequency: "5s",
        serializeImagePulls: false,
        registerNode: true,
      }),
    );
    procs.push(
      startGuarded(
        tools.kubelet,
        [
          `--config=${kubeletConfig}`,
          `--kubeconfig=${kubeconfig}`,
          `--root-dir=${path.join(dir, "kubelet")}`,
          `--hostname-override=${name}`,
          `--node-ip=${bridgeIp}`,
          "--v=1",
        ],
        logFiles[1],
      ),
    );
    procs.push(
      startGuarded(
        tools.scheduler,
        [
          `--kubeconfig=${cluster.kubeconfig}`,
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          `--secure-port=${schedulerPort}`,
          "--v=1",
        ],
        logFiles[2],
      ),
    );

    const deadline = Date.now() + 120_000;
    for (;;) {
      const n = await cluster.request("GET", `/api/v1/nodes/${name}`).catch(() => undefined);
      const ready =
        n?.status === 200 &&
        (n.body.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
      if (ready) break;
      if (procs.some((p) => p.exitCode !== null) || Date.now() > deadline) {
        throw new Error(
          `node ${name} did not become Ready (${n?.status === 200 ? JSON.stringify(n.body.status?.conditions?.find((c: any) => c.type === "Ready")) : "not registered"}):\n` +
            logFiles.map((f) => `--- ${path.basename(f)}\n${tail(f)}`).join("\n"),
        );
      }
      await sleep(500);
    }
  } catch (err) {
    const keep = process.env.SECRET_MOUNT_KEEP_NODE_LOGS;
    if (keep) fs.cpSync(dir, keep, { recursive: true, filter: (s) => !s.includes("/containerd/root") });
    stop();
    throw err;
  }

  return {
    name,
    dir,
    bridgeIp,
    bridge,
    ctr,
    importImage: (archive) => {
      ctr(["images", "import", archive]);
    },
    containerLog: (namespace, pod, container) => {
      // podLogsDir/<namespace>_<pod>_<uid>/<container>/<restart>.log, CRI log format lines.
      if (!fs.existsSync(podLogs)) return "";
      const podDir = fs.readdirSync(podLogs).find((d) => d.startsWith(`${namespace}_${pod}_`));
      if (!podDir) return "";
      const cdir = path.join(podLogs, podDir, container);
      if (!fs.existsSync(cdir)) return "";
      // The latest run that wrote anything (a restarted container's new file may still be empty).
      const runs = fs
        .readdirSync(cdir)
        .filter((f) => /^\d+\.log$/.test(f))
        .sort((a, b) => parseInt(b) - parseInt(a));
      for (const run of runs) {
        const text = fs.readFileSync(path.join(cdir, run), "utf8");
        // "<time> <stream> <F|P> <text>": the text only.
        if (text)
          return text
            .split("\n")
            .filter(Boolean)
            .map((l) => l.replace(/^\S+ (stdout|stderr) [FP] /, ""))
            .join("\n");
      }
      return "";
    },
    logs: () => logFiles.map((f) => `--- ${path.basename(f)}\n${tail(f)}`).join("\n"),
    stop,
  };
}
