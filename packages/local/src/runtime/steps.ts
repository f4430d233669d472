import type { Logger } from "../log";

export type Cleanup = () => Promise<void>;

export interface Step {
  name: string;
  run(): Promise<Cleanup | void>;
}

/**
 * A step whose module loads only when its stage begins: its imports (the AWS SDK, an emulator, Vite)
 * then load while DynamoDB Local's JVM starts, instead of before anything starts.
 */
export type PlannedStep = Step | (() => Promise<Step>);

export class StartupError extends Error {
  readonly step: string;
  override readonly cause: unknown;
  constructor(step: string, cause: unknown) {
    super(`could not start (${step}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "StartupError";
    this.step = step;
    this.cause = cause;
  }
}

/**
 * Runs startup as named steps (an array inside the plan runs its steps in parallel) and logs each.
 * If one fails, what the others started is stopped, in reverse order, before the error is thrown.
 * Returns the function that stops everything.
 */
export async function runSteps(plan: readonly (PlannedStep | readonly PlannedStep[])[], log: Logger): Promise<Cleanup> {
  const cleanups: { name: string; cleanup: Cleanup }[] = [];
  const stopAll: Cleanup = async () => {
    for (const { name, cleanup } of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.warn(`stopping ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  for (const stage of plan) {
    const planned = Array.isArray(stage) ? (stage as readonly PlannedStep[]) : [stage as PlannedStep];
    const names: string[] = planned.map(() => "loading a step");
    const results = await Promise.allSettled(
      planned.map(async (entry, index) => {
        const step = typeof entry === "function" ? await entry() : entry;
        names[index] = step.name;
        return timed(step, log);
      }),
    );
    let failure: StartupError | undefined;
    for (const [index, result] of results.entries()) {
      if (result.status === "fulfilled") {
        if (result.value) cleanups.push({ name: names[index]!, cleanup: result.value });
      } else {
        failure ??= new StartupError(names[index]!, result.reason);
      }
    }
    if (failure) {
      log.error(failure.message);
      await stopAll();
      throw failure;
    }
  }
  return stopAll;
}

async function timed(step: Step, log: Logger): Promise<Cleanup | void> {
  const started = performance.now();
  const cleanup = await step.run();
  log.info(`✓ ${step.name} (${Math.round(performance.now() - started)} ms)`);
  return cleanup;
}
