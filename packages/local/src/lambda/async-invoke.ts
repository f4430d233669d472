import type { Logger } from "../log";
import type { FunctionHost } from "./function-host";

export interface AsyncInvoker {
  /**
   * Queues the event and returns at once, as an `InvocationType: Event` invoke does. `done` is called
   * once the invoker is finished with it: an attempt succeeded, or the last retry failed and it was dropped.
   */
  invoke(event: unknown, summary: string, done?: () => void): void;
  /**
   * Drops the retries still waiting and waits for the invocations under way. An event whose attempt
   * fails after this, or whose retry was waiting, is not `done`: its owner keeps it for the next start.
   */
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

  function attempt(event: unknown, summary: string, number: number, done: () => void): void {
    const label = number === 0 ? summary : `${summary} (retry ${number} of ${options.retryAttempts})`;
    const run = host
      .invoke(event, { summary: label })
      .then(
        () => done(),
        () => {
          if (stopped) return;
          if (number >= options.retryAttempts) {
            options.log.warn(`${host.spec.name}: ${summary} failed ${number + 1} times; the event is dropped, as Lambda drops it without a failure destination`);
            done();
            return;
          }
          const delay = options.retryDelaysMs[Math.min(number, options.retryDelaysMs.length - 1)] ?? 0;
          const timer = setTimeout(() => {
            timers.delete(timer);
            attempt(event, summary, number + 1, done);
          }, delay);
          timers.add(timer);
        },
      )
      .finally(() => running.delete(run));
    running.add(run);
  }

  return {
    invoke(event, summary, done = () => undefined) {
      if (!stopped) attempt(event, summary, 0, done);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
