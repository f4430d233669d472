import type { Logger } from "../log";
import type { FunctionHost } from "./function-host";

export interface AsyncInvoker {
  /** Queues the event and returns at once, as an `InvocationType: Event` invoke does. */
  invoke(event: unknown, summary: string): void;
  /** Drops the retries still waiting and waits for the invocations under way. */
  stop(): Promise<void>;
}

/**
 * Lambda's asynchronous invocation: the caller does not wait, and a failed event (thrown error or
 * timeout) is retried `retryAttempts` more times. AWS waits about one then two minutes between
 * attempts; offline the delays are short (`retryDelaysMs`) so a developer sees the retries happen.
 */
export function createAsyncInvoker(
  host: FunctionHost,
  options: { retryAttempts: number; retryDelaysMs: readonly number[]; log: Logger },
): AsyncInvoker {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  function attempt(event: unknown, summary: string, number: number): void {
    const label = number === 0 ? summary : `${summary} (retry ${number} of ${options.retryAttempts})`;
    const run = host
      .invoke(event, { summary: label })
      .then(
        () => undefined,
        () => {
          if (stopped) return;
          if (number >= options.retryAttempts) {
            options.log.warn(`${host.spec.name}: ${summary} failed ${number + 1} times; the event is dropped, as Lambda drops it without a failure destination`);
            return;
          }
          const delay = options.retryDelaysMs[Math.min(number, options.retryDelaysMs.length - 1)] ?? 0;
          const timer = setTimeout(() => {
            timers.delete(timer);
            attempt(event, summary, number + 1);
          }, delay);
          timers.add(timer);
        },
      )
      .finally(() => running.delete(run));
    running.add(run);
  }

  return {
    invoke(event, summary) {
      if (!stopped) attempt(event, summary, 0);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
