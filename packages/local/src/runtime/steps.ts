import type { Logger } from "../log";

export type Cleanup = () => Promise<void>;

export interface Step {
  name: string;
  run(): Promise<Cleanup | void>;
}

export class StartupError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`could not start (${step}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "StartupError";
  }
}

/**
 * Runs startup as named steps (an array inside the plan runs its steps in parallel) and logs each.
 * If one fails, what the others started is stopped, in reverse order, before the error is thrown.
 * Returns the function that stops everything.
 */
export async function runSteps(plan: readonly (Step | readonly Step[])[], log: Logger): Promise<Cleanup> {
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
    const steps = Array.isArray(stage) ? (stage as readonly Step[]) : [stage as Step];
    const results = await Promise.allSettled(steps.map((step) => timed(step, log)));
    let failure: StartupError | undefined;
    for (const [index, result] of results.entries()) {
      const step = steps[index]!;
      if (result.status === "fulfilled") {
        if (result.value) cleanups.push({ name: step.name, cleanup: result.value });
      } else {
        failure ??= new StartupError(step.name, result.reason);
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
