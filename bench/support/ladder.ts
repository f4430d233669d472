/**
 * What the gap between the offline GET and its floor is made of, measured in one run: the floor,
 * three rungs of less and less work (./ladder-server.ts), and the runtime, round by round in a
 * rotating order so drift on the host hits each alike. Each rung's ratio is per round against the
 * floor of that round.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundle, repoRoot } from "../bundle";
import { summarize, type Summary } from "../stats";
import { cpuMeter } from "./cpu";
import type { LadderConfig, LadderReady, Rung } from "./ladder-server";
import { handlerEnvironment } from "./lambda-env";
import type { LoadFigures } from "./load";
import { exited } from "./processes";

export type Step = "floor" | Rung | "runtime";
export const ladderSteps: readonly Step[] = ["floor", "sdk", "raw", "api", "runtime"];

export interface StepFigures {
  rps: Summary;
  /** Per round: this step's throughput ÷ the floor's. */
  ratio: Summary;
  p99Ratio: Summary;
  p99Ms: Summary;
  errors: number;
  /** CPU seconds per request, by process. */
  cpu: Record<string, number | undefined>;
}

export interface Ladder extends LadderReady {
  stop(): Promise<void>;
}

/** Starts the rung servers against the runtime's DynamoDB Local and table. */
export async function startLadder(dynamoEndpoint: string, tableName: string): Promise<Ladder> {
  const bundles: Partial<LadderConfig["bundles"]> = {};
  for (const name of ["raw", "api"] as const) {
    const outcome = await bundle(name);
    if (!outcome.ok) throw new Error(outcome.reason);
    bundles[name] = outcome.bundle.file;
  }
  const config: LadderConfig = { tableName, bundles: bundles as LadderConfig["bundles"] };
  const child = fork(fileURLToPath(new URL("./ladder-server.ts", import.meta.url)), [], {
    cwd: repoRoot,
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      ...handlerEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint, BENCH_LADDER_CONFIG: JSON.stringify(config) }),
      SST_RESOURCE_Users: JSON.stringify({ name: tableName, type: "sst.aws.Dynamo" }),
    },
    // Handlers log a line per request, as on Lambda: written, not shown.
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
  const ready = await new Promise<LadderReady>((resolve, reject) => {
    child.once("message", (message: { ready?: LadderReady; error?: string }) =>
      message.ready ? resolve(message.ready) : reject(new Error(`the ladder servers did not start: ${message.error}`)),
    );
    child.once("exit", (code) => reject(new Error(`the ladder servers exited (${code}): ${stderr.trim().slice(-800)}`)));
  });
  return {
    ...ready,
    stop: async () => {
      if (child.connected) child.send("stop");
      await exited(child);
    },
  };
}

/** `rounds` rounds; in each, every step runs once for `seconds`, the order rotating by one per round. */
export async function measureLadder(input: {
  load: Record<Step, (seconds: number) => Promise<LoadFigures>>;
  pids: Record<string, number | undefined>;
  rounds: number;
  seconds: number;
}): Promise<Record<Step, StepFigures>> {
  const runs = Object.fromEntries(ladderSteps.map((step) => [step, [] as LoadFigures[]])) as Record<Step, LoadFigures[]>;
  const cpu = Object.fromEntries(ladderSteps.map((step) => [step, {} as Record<string, number>])) as Record<Step, Record<string, number>>;
  for (let round = 0; round < input.rounds; round++) {
    const order = ladderSteps.map((_, i) => ladderSteps[(i + round) % ladderSteps.length]!);
    for (const step of order) {
      const meter = cpuMeter(input.pids);
      runs[step].push(await input.load[step](input.seconds));
      for (const [name, seconds] of Object.entries(meter.stop())) if (seconds !== undefined) cpu[step][name] = (cpu[step][name] ?? 0) + seconds;
    }
  }
  const rate = (figures: LoadFigures) => figures.total / input.seconds;
  const floors = runs.floor;
  return Object.fromEntries(
    ladderSteps.map((step) => {
      const total = runs[step].reduce((sum, figures) => sum + figures.total, 0);
      const figures: StepFigures = {
        rps: summarize(runs[step].map(rate)),
        ratio: summarize(runs[step].map((figures, i) => rate(figures) / rate(floors[i]!))),
        p99Ratio: summarize(runs[step].map((figures, i) => figures.p99Ms / floors[i]!.p99Ms)),
        p99Ms: summarize(runs[step].map((figures) => figures.p99Ms)),
        errors: runs[step].reduce((sum, figures) => sum + figures.errors, 0),
        cpu: Object.fromEntries(Object.entries(cpu[step]).map(([name, seconds]) => [name, seconds / Math.max(total, 1)])),
      };
      return [step, figures];
    }),
  ) as Record<Step, StepFigures>;
}
