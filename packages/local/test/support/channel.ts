import { randomUUID } from "node:crypto";

export interface Reports<T = Record<string, unknown>> {
  name: string;
  messages: T[];
  /** Resolves with the messages once `predicate` holds for the list; rejects after `timeoutMs`. */
  waitFor(predicate: (messages: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  close(): void;
}

/** Collects what the test handlers (in the runtime's worker threads) report on a channel of the test's own. */
export function listenToHandlers<T = Record<string, unknown>>(): Reports<T> {
  const name = `local-runtime-test-${randomUUID()}`;
  const channel = new BroadcastChannel(name);
  const messages: T[] = [];
  const waiters = new Set<() => void>();
  channel.onmessage = (event) => {
    messages.push((event as MessageEvent<T>).data);
    for (const wake of waiters) wake();
  };
  return {
    name,
    messages,
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(messages)) return;
          cleanup();
          resolve(messages);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting; got ${JSON.stringify(messages).slice(0, 2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => channel.close(),
  };
}
