// The floor of the benchmark (`npm run bench`): the least a Node program can do to put Secrets Manager
// secrets into files. Raw HTTPS, no SDK, one CommonJS file, only Node built-ins:
//   credentials from the Pod Identity / ECS container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI +
//   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), SigV4 by hand, GetSecretValue for one secret and
//   BatchGetSecretValue (20 ids per call, all calls at once, one keep-alive agent) for more, then the
//   files written the way the fetcher writes them (a fresh generation directory, every file and the
//   directory fsynced, `..data` swapped by rename, one link per top-level name).
// No retries, no validation, no logs: a yardstick, not a fetcher. It reads SECRET_MOUNT_SPEC like the
// fetcher (only `dir` and each file's `path` + `source.secretId` / `source.region`).
// Run it by hand: SECRET_MOUNT_SPEC='{"dir":...,"files":[...]}' AWS_... node runtime-image/bench/floor.cjs
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const path = require("node:path");

const env = process.env;
const spec = JSON.parse(env.SECRET_MOUNT_SPEC);

function request(url, { method = "GET", headers = {}, body, agent } = {}) {
  const u = new URL(url);
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} from ${u.host}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const sha256 = (s) => crypto.createHash("sha256").update(s).digest("hex");
const hmac = (k, s) => crypto.createHmac("sha256", k).update(s).digest();

function sign(creds, region, service, url, target, body) {
  const u = new URL(url);
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const headers = {
    "content-type": "application/x-amz-json-1.1",
    host: u.host,
    "x-amz-date": amzDate,
    "x-amz-security-token": creds.Token,
    "x-amz-target": target,
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    "POST",
    u.pathname || "/",
    "",
    ...names.map((n) => `${n}:${headers[n]}`),
    "",
    names.join(";"),
    sha256(body),
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.SecretAccessKey}`, day), region), service), "aws4_request");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.AccessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${hmac(key, toSign).toString("hex")}`;
  return headers;
}

function writeSet(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  const gen = path.join(dir, `..${Date.now()}.${crypto.randomBytes(3).toString("hex")}`);
  fs.mkdirSync(gen, { mode: 0o750 });
  for (const f of files) {
    const p = path.join(gen, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const fd = fs.openSync(p, "wx", 0o440);
    fs.writeSync(fd, f.bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const fsyncDir = (d) => {
    const fd = fs.openSync(d, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  };
  fsyncDir(gen);
  fs.symlinkSync(path.basename(gen), path.join(dir, "..data_tmp"));
  fs.renameSync(path.join(dir, "..data_tmp"), path.join(dir, "..data"));
  for (const top of new Set(files.map((f) => f.path.split("/")[0])))
    fs.symlinkSync(path.join("..data", top), path.join(dir, top));
  fsyncDir(dir);
}

async function main() {
  const token = fs.readFileSync(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, "utf8").trim();
  const creds = await request(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: token } });
  const region = spec.files[0].source.region ?? env.AWS_REGION;
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com`;
  const agent = new https.Agent({ keepAlive: true });
  const call = (target, input) => {
    const body = JSON.stringify(input);
    return request(endpoint, {
      method: "POST",
      headers: sign(creds, region, "secretsmanager", endpoint, `secretsmanager.${target}`, body),
      body,
      agent,
    });
  };
  const ids = spec.files.map((f) => f.source.secretId);
  const values = new Map();
  if (ids.length === 1) {
    const out = await call("GetSecretValue", { SecretId: ids[0] });
    values.set(ids[0], out.SecretString);
  } else {
    const batches = [];
    for (let i = 0; i < ids.length; i += 20) batches.push(ids.slice(i, i + 20));
    await Promise.all(
      batches.map(async (b) => {
        const out = await call("BatchGetSecretValue", { SecretIdList: b });
        for (const v of out.SecretValues) values.set(v.Name, v.SecretString);
      }),
    );
  }
  writeSet(
    spec.dir,
    spec.files.map((f) => ({ path: f.path, bytes: Buffer.from(values.get(f.source.secretId), "utf8") })),
  );
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`floor: ${e.message}\n`);
    process.exit(1);
  },
);
