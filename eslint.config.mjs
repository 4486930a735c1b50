// ESLint flat config (see CONTRIBUTING.md, "Format and lint"): typescript-eslint's recommended
// rules, syntax only (no type information, so a run stays fast), over every TypeScript and
// JavaScript file of the repository. Layout is Prettier's job alone: no formatting rule here.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** Node.js globals the few plain JavaScript files use (TypeScript files are checked by tsc instead). */
const node = Object.fromEntries(
  [
    "process",
    "console",
    "Buffer",
    "URL",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "queueMicrotask",
  ].map((name) => [name, "readonly"]),
);
const commonjs = {
  require: "readonly",
  module: "writable",
  exports: "writable",
  __dirname: "readonly",
  __filename: "readonly",
};

export default defineConfig(
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  globalIgnores(["dist/", "runtime-image/dist/", "fetch-image/", "out/", "examples/*/sdks/", "examples/*/venv/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Kubernetes objects read from charts, mocks and API answers are untyped JSON; the code keeps
      // them as `Record<string, any>` (one `Obj` alias per file) and checks each field it reads.
      "@typescript-eslint/no-explicit-any": "off",
      // Every require() is deliberate: optional peer packages loaded only when a platform is used
      // (azure/sdk.ts, gcp/sdk.ts), the user's program loaded by render, modules resolved from
      // another directory, and the CommonJS .js/.cjs files.
      "@typescript-eslint/no-require-imports": "off",
      // `_name` marks a value destructured away or a parameter a signature requires.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // `const parent = this` names the component for `{ parent }` options of its children.
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["parent"] }],
      // Regexes match indented output as printed ("\n  - "); `{2}` would hide it.
      "no-regex-spaces": "off",
    },
  },
  { files: ["**/*.js", "**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { ...node, ...commonjs } } },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module", globals: node } },
);
