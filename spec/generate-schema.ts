import * as fs from "node:fs";
import * as path from "node:path";
import { createGenerator } from "ts-json-schema-generator";

/** The JSON Schema of the FetchSpec, generated from the TypeScript types (the one definition). */
export function generateFetchSpecSchema(): object {
  const schema = createGenerator({
    path: path.join(__dirname, "fetch-spec.ts"),
    tsconfig: path.join(__dirname, "..", "tsconfig.json"),
    type: "FetchSpec",
    expose: "export",
    topRef: true,
    jsDoc: "extended",
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema("FetchSpec");
  return {
    $id: "https://github.com/secret-mount/secret-mount/blob/main/spec/fetch-spec.schema.json",
    title: "secret-mount FetchSpec v1",
    description:
      "The document in SECRET_MOUNT_SPEC: what the fetch container reads, and where it writes it. References only, never values.",
    ...schema,
  };
}

export const SCHEMA_FILE = path.join(__dirname, "fetch-spec.schema.json");

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(generateFetchSpecSchema(), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
