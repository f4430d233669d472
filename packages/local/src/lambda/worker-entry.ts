/**
 * Runs inside a function's worker thread: loads the handler module once (a cold start) and serves
 * invocations. The worker has its own `process.env`, so each function sees its own environment, and
 * a fresh worker after a code change is a fresh module graph.
 */
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { lambdaContext } from "./context";
import { serializeError } from "./messages";
import type { FromWorker, ToWorker } from "./messages";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => unknown;

const { modulePath, exportName } = workerData as { modulePath: string; exportName: string };
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

const handler: Promise<Handler> = import(pathToFileURL(modulePath).href).then((module: Record<string, unknown>) => {
  const candidate = module[exportName];
  if (typeof candidate !== "function") {
    throw Object.assign(new Error(`${modulePath} does not export a function named "${exportName}"`), {
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
