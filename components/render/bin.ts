#!/usr/bin/env node
/**
 * `npx secret-mount render <program dir> [--out <dir>] [--stack <name>]`: the offline render for
 * users of the npm package. It runs their Pulumi program (TypeScript through tsx, as
 * `pulumi up` runs it through ts-node) under mocks and writes the review folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const USAGE =
  "usage: npx secret-mount render <program dir> [--out <dir>] [--stack <name>]\n" +
  "       npx secret-mount --help | --version";

/** This package's package.json: the nearest above this file (the checkout's, or the installed package's). */
function packageVersion(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    const file = path.join(d, "package.json");
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    if (path.dirname(d) === d) return "unknown";
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === "--version" || command === "-v") {
  console.log(packageVersion());
} else if (command === "render") {
  (require("tsx/cjs/api") as { register(): void }).register();
  // cli.ts runs itself only as the main module; from here, call its main with the render arguments.
  void (require("./cli") as typeof import("./cli")).main(rest, USAGE).then((code) => {
    process.exitCode = code;
  });
} else if (command === undefined || command === "-h" || command === "--help" || command === "help") {
  const { HELP } = require("./cli") as typeof import("./cli");
  const help = `secret-mount ${packageVersion()}: the offline render of a Pulumi program's secret-mount declarations\n\n${USAGE}\n${HELP}`;
  // Asked for: stdout, exit 0. No command at all is a usage error: stderr, exit 2.
  if (command === undefined) console.error(help);
  else console.log(help);
  process.exitCode = command === undefined ? 2 : 0;
} else {
  console.error(`secret-mount: unknown command ${JSON.stringify(command)}\n${USAGE}`);
  process.exitCode = 2;
}
