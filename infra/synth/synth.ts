/**
 * Runs one synth in a child process (see program.ts) and reads back its plan. `env` is the
 * deployment environment sst.config.ts reads (AWS_REGION, AUTH_ISSUER, API_DOMAIN, …): only the
 * variables given reach the child, on top of what it needs to run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePlatform } from "./platform";
import { buildPlan, type Plan } from "./plan";
import type { RawSynth } from "./raw";
import { root } from "./paths";

export interface SynthOptions {
  stage: string;
  /** Evaluate as `sst dev` does (`$dev` true: live functions, no site builds). */
  dev?: boolean;
  env?: Record<string, string>;
}

export interface Synth {
  raw: RawSynth;
  plan: Plan;
  /** The child's own output (SST's warnings, site build logs). */
  log: string;
  milliseconds: number;
}

/** Variables sst.config.ts and infra/config.ts read: the caller's values, never the shell's by accident. */
export const DEPLOY_ENV = ["AWS_REGION", "AUTH_ISSUER", "AUTH_AUDIENCE", "API_DOMAIN", "WEB_DOMAIN", "ALARM_TOPIC_ARN", "ALARM_EMAIL"];

const program = fileURLToPath(new URL("./program.ts", import.meta.url));

export async function synth({ stage, dev = false, env = {} }: SynthOptions): Promise<Synth> {
  ensurePlatform();
  const dir = mkdtempSync(join(tmpdir(), "synth-"));
  const out = join(dir, "result.json");
  const started = performance.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of DEPLOY_ENV) delete childEnv[key];
  Object.assign(childEnv, env);
  try {
    const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", program, "--stage", stage, ...(dev ? ["--dev"] : []), "--out", out], {
        cwd: root,
        env: childEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      child.stdout.on("data", (chunk) => (log += chunk));
      child.stderr.on("data", (chunk) => (log += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, log }));
    });
    let raw: RawSynth;
    try {
      raw = JSON.parse(readFileSync(out, "utf8"));
    } catch {
      throw new Error(`synth of ${stage} exited ${code} without a result:\n${log}`);
    }
    if (code !== 0 && !raw.errors.length) raw.errors.push(`synth process exited ${code}`);
    return { raw, plan: buildPlan(raw), log, milliseconds: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
