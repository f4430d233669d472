/**
 * Runs inside a function's worker thread: loads the handler module once (a cold start) and serves
 * invocations. The worker has its own `process.env`, so each function sees its own environment, and
 * a fresh worker after a code change is a fresh module graph.
 */
import { parentPort } from "node:worker_threads";
import { lambdaContext } from "./context";
import { serializeError } from "./messages";
import type { FromWorker, ToWorker } from "./messages";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => unknown;

/** Where the function's bundle is (or why it could not be built), sent once the runtime has it. */
export type SandboxCode = { handlerUrl: string; modulePath: string; exportName: string } | { modulePath: string; buildError: { name: string; message: string } };

export function serve(code: SandboxCode): void {
  const port = parentPort!;
  const post = (message: FromWorker) => port.postMessage(message);

  const handler: Promise<Handler> =
    "buildError" in code
      ? Promise.reject(Object.assign(new Error(code.buildError.message), { name: code.buildError.name }))
      : import(code.handlerUrl).then((module: Record<string, unknown>) => {
          const candidate = module[code.exportName];
          if (typeof candidate !== "function") {
            throw Object.assign(new Error(`${code.modulePath} does not export a function named "${code.exportName}"`), {
              name: "Runtime.HandlerNotFound",
            });
          }
          return candidate as Handler;
        });

  handler.then(
    () => post({ type: "loaded" }),
    (error: unknown) => post({ type: "load-failed", error: serializeError(error) }),
  );

  port.on("message", (message: ToWorker) => {
    if (message.type !== "invoke") return;
    void invoke(message);
  });

  async function invoke(message: Extract<ToWorker, { type: "invoke" }>): Promise<void> {
    try {
      const result = await (await handler)(message.event, lambdaContext(message.context));
      // Lambda hands results back as JSON: undefined becomes null, dates become strings.
      post({ type: "result", id: message.id, ok: true, json: JSON.stringify(result) ?? "null" });
    } catch (error) {
      post({ type: "result", id: message.id, ok: false, error: serializeError(error) });
    }
  }
}
