import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRET_MARKER } from "../harness";

/**
 * Faults the cloud doubles can inject, per secret. Each double answers a fault the way its real
 * service does (its own throttling and error bodies); `reset`, `slow` and `malformed` are the same
 * everywhere.
 */
export type FaultKind = "throttle" | "server-error" | "reset" | "slow" | "malformed" | "denied";

export interface FaultPlan {
  kind: FaultKind;
  /** Fault only the first `times` requests, then answer normally (default: every request). */
  times?: number;
}

/** Tracks how often each planned fault has fired. */
export class FaultBook {
  private readonly plans = new Map<string, FaultPlan>();
  private readonly fired = new Map<string, number>();

  set(key: string, plan: FaultPlan): void {
    this.plans.set(key, plan);
    this.fired.set(key, 0);
  }

  clear(): void {
    this.plans.clear();
    this.fired.clear();
  }

  /** The fault to inject for this request to `key`, if any (counts it as fired). */
  take(key: string): FaultKind | undefined {
    const plan = this.plans.get(key);
    if (!plan) return undefined;
    const n = this.fired.get(key) ?? 0;
    if (plan.times !== undefined && n >= plan.times) return undefined;
    this.fired.set(key, n + 1);
    return plan.kind;
  }
}

/** Milliseconds a `slow` fault waits: longer than any test's deadline. */
export const SLOW_MS = 30_000;

/**
 * Handles the faults that look the same on every service. Returns true when the response was taken
 * care of. A slow answer is abandoned when the server closes, so after() hooks never hang.
 */
export function applyCommonFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, server: Server): boolean {
  if (kind === "reset") {
    req.socket.destroy();
    return true;
  }
  if (kind === "slow") {
    const timer = setTimeout(() => {
      if (!res.destroyed) res.writeHead(503).end();
    }, SLOW_MS);
    server.once("close", () => clearTimeout(timer));
    res.on("close", () => clearTimeout(timer));
    return true;
  }
  if (kind === "malformed") {
    // Cut off mid-value, with the marker inside: a parse error must not echo the body anywhere.
    res.writeHead(200, { "content-type": "application/json" }).end(`{"value": "${SECRET_MARKER}-trunc`);
    return true;
  }
  return false;
}

/** Listens on 127.0.0.1 (or `host`: the real tier's pod network bridge), port 0 (or `port`). */
export async function listen(server: Server, host = "127.0.0.1", port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes a server, cutting keep-alive and hung connections so after() hooks finish fast. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}
