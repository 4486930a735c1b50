import * as fs from "node:fs";
import * as path from "node:path";
import type { KubeObject } from "./rendered";

/** What the real node's containers printed: the kubelet's log files, parsed. */

/** Every run's log of one container (kubelet podLogsDir/<ns>_<pod>_<uid>/<container>/<run>.log), text only. */
export function runLogsIn(podLogs: string, ns: string, pod: string, container: string): Map<number, string> {
  const podDir = fs.readdirSync(podLogs).find((d) => d.startsWith(`${ns}_${pod}_`));
  const dir = podDir ? path.join(podLogs, podDir, container) : undefined;
  const out = new Map<number, string>();
  if (!dir || !fs.existsSync(dir)) return out;
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => /^\d+\.log$/.test(x))
    .sort((a, b) => parseInt(a) - parseInt(b)))
    out.set(
      parseInt(f),
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .map((l) => l.split(" ").slice(3).join(" "))
        .join("\n"),
    );
  return out;
}

/** The JSON lines of a fetcher's log. */
export function jsonLines(text: string): KubeObject[] {
  return text.split("\n").flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** The hash of API_TOKEN an app's check script printed (the last run's). */
export function envHash(log: string): string | undefined {
  return /^check env API_TOKEN (\S+)$/m.exec(log)?.[1];
}
