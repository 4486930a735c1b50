/**
 * A bench variant only (not in the image): the entry of a V8 startup snapshot of the program with
 * the AWS providers already loaded (`node --snapshot-blob fetch.blob --build-snapshot snapshot.cjs`,
 * then `node --snapshot-blob fetch.blob fetch.js`). variants.ts bundles it as one CommonJS file with
 * the network built-ins required lazily: node:http's parser cannot be serialized into a snapshot.
 */
import * as v8 from "node:v8";
import { startProgram } from "../src/main";
import { loadProvider } from "../src/providers/index";

void Promise.all([loadProvider("aws-secretsmanager"), loadProvider("aws-ssm")]).then(() =>
  v8.startupSnapshot.setDeserializeMainFunction(startProgram),
);
