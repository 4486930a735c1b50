#!/usr/bin/env node
/**
 * `npx secret-mount render <program dir> [--out <dir>] [--stack <name>]`: the offline render for
 * users of the npm package. It runs their Pulumi program (TypeScript through tsx, as
 * `pulumi up` runs it through ts-node) under mocks and writes the review folder.
 */
const USAGE = "usage: npx secret-mount render <program dir> [--out <dir>] [--stack <name>]";

const [command, ...rest] = process.argv.slice(2);
if (command !== "render") {
  console.error(command === undefined || command === "-h" || command === "--help" ? USAGE : `secret-mount: unknown command ${JSON.stringify(command)}\n${USAGE}`);
  process.exit(command === "-h" || command === "--help" ? 0 : 2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("tsx/cjs/api") as { register(): void }).register();
// cli.ts runs itself only as the main module; from here, call its main with the render arguments.
// eslint-disable-next-line @typescript-eslint/no-require-imports
void (require("./cli") as typeof import("./cli")).main(rest).then((code) => {
  process.exitCode = code;
});
