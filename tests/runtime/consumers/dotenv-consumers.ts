/**
 * The four readers a rendered dotenv file must satisfy, run for real on a file: python-dotenv with
 * its defaults, the npm `dotenv` package, Docker Compose's env_file parser (compose-go, built from
 * the Go module proxy into ~/.cache/secret-mount) and POSIX `set -a; . file` in dash. Each returns
 * the variables it read, or a reason it cannot run here (the test then skips, saying why).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as npmDotenvParse } from "dotenv";

export type Vars = Record<string, string>;
/** A reader ready to run, or why it cannot run here. */
export type Reader = { read(file: string, env: NodeJS.ProcessEnv): Vars } | { unavailable: string };

/** compose-go release read by the Go program; v2.17 needs Go ≥ 1.26.11. */
export const COMPOSE_GO_VERSION = "v2.16.0";

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

function pythonDotenv(): Reader {
  if (!has("python3", ["-c", "import dotenv"]))
    return { unavailable: "python3 with python-dotenv is not installed (python3 -m pip install python-dotenv)" };
  return {
    read: (file, env) =>
      JSON.parse(
        execFileSync(
          "python3",
          [
            "-c",
            "import json,sys; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1])))",
            file,
          ],
          { env, encoding: "utf8" },
        ),
      ) as Vars,
  };
}

function npmDotenv(): Reader {
  return { read: (file) => npmDotenvParse(fs.readFileSync(file)) };
}

/** dash where installed (Debian's /bin/sh), else sh. */
const SHELL = has("dash", ["-c", ":"]) ? "dash" : "sh";

function posixSh(): Reader {
  const shell = SHELL;
  return {
    read: (file, env) => {
      const before = new Set(Object.keys(env));
      const out = execFileSync(shell, ["-c", 'set -a; . "$1"; exec env -0', shell, file], { env, encoding: "utf8" });
      const vars: Vars = {};
      for (const entry of out.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0 && !before.has(entry.slice(0, eq))) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return vars;
    },
  };
}

/** Builds (once, cached outside the clone) the Go program that parses like Docker Compose's env_file. */
function composeEnvFile(): Reader {
  if (!has("go", ["version"]))
    return { unavailable: "go is not installed, so Compose's env_file parser cannot be built" };
  const dir = path.join(os.homedir(), ".cache", "secret-mount", `compose-dotenv-${COMPOSE_GO_VERSION}`);
  const bin = path.join(dir, "compose-dotenv");
  const source = fs.readFileSync(path.join(__dirname, "compose-dotenv.go"), "utf8");
  const stamp = path.join(dir, "source.go");
  if (!fs.existsSync(bin) || !fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== source) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "go.mod"),
      `module composedotenv\n\ngo 1.24\n\nrequire github.com/compose-spec/compose-go/v2 ${COMPOSE_GO_VERSION}\n`,
    );
    fs.writeFileSync(path.join(dir, "main.go"), source);
    const built = spawnSync("go", ["build", "-o", bin, "."], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      timeout: 300_000,
    });
    if (built.status !== 0)
      return {
        unavailable: `go build of the compose-go program failed: ${(built.stderr || built.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`,
      };
    fs.writeFileSync(stamp, source);
  }
  return { read: (file, env) => JSON.parse(execFileSync(bin, [file], { env, encoding: "utf8" })) as Vars };
}

/** Every reader, by name; `open` may build or probe (call it inside a test, not at load time). */
export const ALL_READERS: { name: string; open: () => Reader }[] = [
  { name: "python-dotenv (dotenv_values, defaults)", open: pythonDotenv },
  { name: "npm dotenv (parse)", open: npmDotenv },
  { name: `Docker Compose env_file (compose-go ${COMPOSE_GO_VERSION} dotenv)`, open: composeEnvFile },
  { name: `POSIX ${SHELL} (set -a; . file)`, open: posixSh },
];
