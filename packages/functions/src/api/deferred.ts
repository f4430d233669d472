/** An adapter whose every method returns a promise: it can wait for its own first load. */
type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * The port `T`, with its adapter loaded on the first call to any method and kept for the rest of
 * the container's life. The API defers its S3 and SQS adapters this way: their SDKs are most of the
 * bundle, and a cold start that serves a read never needs them (the deployed bundle is split at
 * these imports, so their code is not even compiled until then). A failed load is retried on the
 * next call instead of being remembered.
 */
export function deferred<T extends AsyncPort<T>>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const adapter = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  return new Proxy({} as T, {
    get: (_, method) =>
      // Not a thenable: a port handed to `await` or returned from an async function stays a port.
      method === "then"
        ? undefined
        : async (...args: unknown[]) => {
            const target = await adapter();
            const call: unknown = Reflect.get(target, method);
            return (call as (...args: unknown[]) => Promise<unknown>).apply(target, args);
          },
  });
}
