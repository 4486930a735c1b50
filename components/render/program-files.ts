import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { RenderError } from "./render-error";

/** Reading a Pulumi program directory's YAML files, with errors that name the file. */

/** The project file of a program directory and the path of a stack's config file. */
export function readProject(
  dir: string,
  stack: string,
): { project: string; projectFile: Record<string, unknown>; stackPath: string } {
  const projectPath = path.join(dir, "Pulumi.yaml");
  const projectFile = readYamlMapping(projectPath);
  if (typeof projectFile.name !== "string" || !projectFile.name)
    throw new RenderError(`${shown(projectPath)} has no \`name:\``);
  const configDir = typeof projectFile.stackConfigDir === "string" ? projectFile.stackConfigDir : "";
  return { project: projectFile.name, projectFile, stackPath: path.join(dir, configDir, `Pulumi.${stack}.yaml`) };
}

/** A path as the user would type it: relative to the current directory when below it. */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(p);
}

/** Parses a Pulumi YAML file; a syntax error names the file, line and column. */
export function readYamlMapping(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      const reason = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      throw new RenderError(`${shown(file)}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML: ${reason}`);
    }
    throw e;
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new RenderError(`${shown(file)}: expected a mapping of key: value at the top`);
  return doc as Record<string, unknown>;
}
