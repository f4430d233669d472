/**
 * Reads V8 CPU profiles (`node --cpu-prof`) and says where the time went: self time grouped by
 * where the code comes from (a package, the project's own folders, Node's internals, GC, idle).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a function comes from: `hono`, `@aws-sdk/*`, `packages/local/src/http-front`, `node:http`, `(gc)`. */
export function originOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : `(native) ${functionName}`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!.replace(/^@smithy\/.*/, "@smithy/*").replace(/^@aws-sdk\/.*/, "@aws-sdk/*");
  const project = /\/(packages\/[^/]+\/src\/[^/]+|bench\/[^/]+|infra)/.exec(url);
  if (project) return project[1]!.replace(/\.ts$/, "");
  if (url.startsWith("node:")) {
    const internal = /^node:internal\/([^/]+)/.exec(url);
    return internal ? `node:${internal[1]!.replace(/_.*/, "")}` : url.replace(/\/.*/, "");
  }
  return url.split("/").slice(-2).join("/");
}

export interface ProfileSummary {
  file: string;
  /** Sampled wall time of the thread, ms. */
  totalMs: number;
  /** Busy time (everything but idle), ms. */
  busyMs: number;
  /** Self time by origin, ms, largest first. */
  byOrigin: [string, number][];
  /** Self time by function, ms, largest first (top 15). */
  byFunction: [string, number][];
}

export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const origin = new Map<string, number>();
  const fn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += ms;
    const where = originOf(node.callFrame);
    if (where === "(idle)") idle += ms;
    origin.set(where, (origin.get(where) ?? 0) + ms);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${where}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
  });
  const sorted = (map: Map<string, number>) => [...map].filter(([name]) => name !== "(idle)").sort(([, a], [, b]) => b - a);
  return { file, totalMs: total, busyMs: total - idle, byOrigin: sorted(origin), byFunction: sorted(fn).slice(0, 15) };
}

export function summarizeProfiles(dir: string): ProfileSummary[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => summarizeProfile(join(dir, name)))
    .sort((a, b) => b.busyMs - a.busyMs);
}
