// Stand-in for pulumi-language-python, the Python language host: the Go module proxy refuses the
// real one (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3: 403 for its version
// list and for v3.274.0). Like the Node stand-in (language-host.js), it does what the real host's
// Run does for a program: start the program under Pulumi's Python SDK (python-exec.py, the real
// host's pulumi-language-python-exec in small) with the engine's monitor address, the project,
// stack, config and dry-run flag, so the engine, the SDK and the program are all real. The Python
// is $SECRET_MOUNT_PYTHON (a venv with the `pulumi` package), else python3 on PATH.
// Not reproduced: virtualenv creation and dependency installation, the synchronous-invoke pipes,
// plugin hosting (RunPlugin), policy packs.
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const lang = require("@pulumi/pulumi/proto/language_pb.js");
const langGrpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const plugin = require("@pulumi/pulumi/proto/plugin_pb.js");
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }));

const engineAddress = process.argv
  .slice(2)
  .filter((a) => !a.startsWith("-"))
  .pop();
const python = process.env.SECRET_MOUNT_PYTHON || "python3";

function run(call, callback) {
  const req = call.request;
  const info = req.getInfo();
  const programDir = info ? info.getProgramDirectory() : req.getPwd();
  const entry = info ? info.getEntryPoint() : req.getProgram();
  const args = [
    "-u",
    path.join(__dirname, "python-exec.py"),
    "--monitor",
    req.getMonitorAddress(),
    "--engine",
    engineAddress,
  ];
  const add = (k, v) => v && args.push(`--${k}`, String(v));
  add("organization", req.getOrganization());
  add("project", req.getProject());
  add("root_directory", info && info.getRootDirectory());
  add("stack", req.getStack());
  add("pwd", programDir);
  args.push("--dry_run", req.getDryrun() ? "true" : "false");
  add("parallel", req.getParallel());
  args.push(path.resolve(programDir, entry || "."), ...req.getArgsList());
  const config = {};
  req.getConfigMap().forEach((v, k) => (config[k] = v));
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
  };
  const child = spawn(python, args, { cwd: programDir, env, stdio: ["ignore", "inherit", "inherit"] });
  child.on("error", (err) =>
    callback(null, new lang.RunResponse().setError(`could not start ${python}: ${err.message}`)),
  );
  child.on("exit", (code, signal) => {
    const res = new lang.RunResponse();
    // 32: the SDK already showed the user an actionable message (the real host's "bail").
    if (code === 32) res.setBail(true);
    else if (code !== 0) res.setError(`Program exited with non-zero exit code: ${code ?? signal}`);
    callback(null, res);
  });
}

const server = new grpc.Server();
server.addService(langGrpc.LanguageRuntimeService, {
  handshake: (_call, cb) => cb(null, new lang.LanguageHandshakeResponse()),
  getPluginInfo: (_call, cb) => cb(null, new plugin.PluginInfo().setVersion("0.0.0-stand-in")),
  getRequiredPlugins: (_call, cb) => cb(null, new lang.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, cb) => cb(null, new lang.GetRequiredPackagesResponse()),
  getProgramDependencies: (_call, cb) => cb(null, new lang.GetProgramDependenciesResponse()),
  installDependencies: (call) => call.end(),
  runtimeOptionsPrompts: (_call, cb) => cb(null, new lang.RuntimeOptionsResponse()),
  about: (_call, cb) => cb(null, new lang.AboutResponse().setExecutable(python)),
  cancel: (_call, cb) => cb(null, new Empty()),
  run,
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
