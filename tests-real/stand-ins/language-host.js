// Stand-in for pulumi-language-nodejs, the Node language host: the Go module proxy refuses the
// real one (see tests-real/tools/versions.env). It does what the real host's Run does for a
// program — start @pulumi/pulumi's own `cmd/run` in Node with the engine's monitor address, the
// project, stack, config and dry-run flag — so the engine, the SDK and the program are all real.
// Not reproduced: the synchronous-invoke pipes and the monitor proxy (the SDK then calls the
// engine's monitor directly), plugin hosting (RunPlugin), dependency installation.
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
const version = require("@pulumi/pulumi/package.json").version;

function run(call, callback) {
  const req = call.request;
  const info = req.getInfo();
  const programDir = info ? info.getProgramDirectory() : req.getPwd();
  const entry = info ? info.getEntryPoint() : req.getProgram();
  const options = info && info.getOptions() ? info.getOptions().toJavaScript() : {};
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
  const args = [runPath, "--monitor", req.getMonitorAddress(), "--engine", engineAddress];
  const add = (k, v) => v && args.push(`--${k}`, String(v));
  add("organization", req.getOrganization());
  add("project", req.getProject());
  add("root-directory", info && info.getRootDirectory());
  add("stack", req.getStack());
  add("pwd", programDir);
  if (req.getDryrun()) args.push("--dry-run");
  add("parallel", req.getParallel());
  args.push(entry || ".", ...req.getArgsList());
  // Config keys as the real host passes them: <namespace>:config:<name>.
  const config = {};
  req.getConfigMap().forEach((v, k) => {
    const i = k.indexOf(":");
    config[`${k.slice(0, i)}:config:${k.slice(i + 1)}`] = v;
  });
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
  };
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  const child = spawn(process.execPath, args, { cwd: programDir, env, stdio: ["ignore", "inherit", "inherit"] });
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
  getPluginInfo: (_call, cb) => cb(null, new plugin.PluginInfo().setVersion(version)),
  getRequiredPlugins: (_call, cb) => cb(null, new lang.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, cb) => cb(null, new lang.GetRequiredPackagesResponse()),
  getProgramDependencies: (_call, cb) => cb(null, new lang.GetProgramDependenciesResponse()),
  installDependencies: (call) => call.end(),
  runtimeOptionsPrompts: (_call, cb) => cb(null, new lang.RuntimeOptionsResponse()),
  about: (_call, cb) => cb(null, new lang.AboutResponse().setExecutable(process.execPath).setVersion(process.version)),
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
