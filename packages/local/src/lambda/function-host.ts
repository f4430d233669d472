import { join } from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import type { Context } from "aws-lambda";
import type { Logger } from "../log";
import { repoRoot, type HandlerRef } from "../paths";
import { contextDataOf, createContextData } from "./context";
import type { ContextData } from "./context";
import { eachLine } from "./lines";
import { bundleForSandbox } from "./sandbox-bundle";
import type { SandboxCode } from "./worker-entry";
import { FunctionError } from "./messages";
import type { FromWorker, SerializedError, ToWorker } from "./messages";

export interface FunctionSpec {
  /** The manifest's name, used in log lines: Api, LikesSubscriber, UploadsSubscriber. */
  name: string;
  physicalName: string;
  handler: HandlerRef;
  timeoutSeconds: number;
  memoryMb: number;
  /** The function's whole environment (its worker gets this as `process.env`). */
  env: Record<string, string>;
  /**
   * Native modules the runtime's main thread must load before any worker does: sharp's shared
   * libraries must outlive the workers that use them (sharp's documentation on worker threads).
   */
  preload?: string[];
  /**
   * How many sandboxes may serve concurrent invocations (default 1). Lambda gives each concurrent
   * invocation an environment of its own; offline, invocations share a sandbox until every sandbox has
   * `scaleOutAt` in flight, then one more starts (cold) — so a burst of requests is not served by a single
   * thread while the machine has cores to spare.
   */
  maxSandboxes?: number;
}

/** Invocations in flight on every sandbox before another one is started (up to `maxSandboxes`). */
const scaleOutAt = 4;

export interface InvokeOptions {
  /** The caller's context (the HTTP front makes one per request); default: a fresh one. */
  context?: Context;
  /** What the log line says was invoked, e.g. `GET /users`. */
  summary?: string;
  /** Reads the outcome from a result (a 500 response or failed batch items are failures too). */
  describe?: (result: unknown) => { outcome: "ok" | "error"; detail?: string };
}

export interface FunctionHost {
  readonly spec: FunctionSpec;
  invoke(event: unknown, options?: InvokeOptions): Promise<unknown>;
  /** Starts a worker now, so the first invocation does not pay the cold start; resolves once the handler module is loaded (or failed to load). */
  warm(): Promise<void>;
  /** The next invocation runs in a fresh worker, on the code as it is now on disk. */
  reload(): void;
  /** Milliseconds the running sandboxes' event loops have been busy (for profiles: CPU per invocation). */
  busyMs(): number;
  stop(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Sandbox {
  worker: Worker;
  /** Settles when the handler module has loaded or failed to. */
  loaded: Promise<void>;
  isLoaded: boolean;
  pending: Map<number, Pending>;
  retired: boolean;
}

// From the repo root, not this module: `npm run dev` runs this module from a build in packages/local/dist.
const workerEntryPath = join(repoRoot, "packages/local/src/lambda/worker-entry.ts");
let workerEntry: Promise<string> | undefined;

/**
 * The worker waits for its code on a channel of its own (the runtime bundles it meanwhile), then
 * serves. Invocations posted before then wait in the worker's port, as they wait for a cold start.
 */
const bootstrap = `const { workerData } = require("node:worker_threads");
process.setSourceMapsEnabled(true);
workerData.codePort.once("message", (code) => {
  workerData.codePort.close();
  import(code.entryUrl).then((entry) => entry.serve(code));
});`;

/**
 * Runs one Lambda function the way Lambda does: in a sandbox of its own (a worker thread with its own
 * environment and module graph), cold-started on first use, with the configured timeout enforced —
 * a timed-out sandbox is discarded, as Lambda discards the execution environment.
 */
export function createFunctionHost(spec: FunctionSpec, log: Logger): FunctionHost {
  /** The sandboxes taking new invocations (retired ones finish theirs and are not in here). */
  const live: Sandbox[] = [];
  const maxSandboxes = Math.max(1, spec.maxSandboxes ?? 1);
  let nextId = 1;
  let stopped = false;
  const sandboxes = new Set<Sandbox>();

  /** The URL of the function's code as the next sandbox gets it (reload() drops it: bundled again if it changed). */
  let code: Promise<string> | undefined;
  // Packages with native parts stay out of the bundle: the main thread preloads them.
  const currentCode = () => (code ??= bundleForSandbox(spec.handler.modulePath, spec.physicalName, spec.preload ?? []));

  function spawn(): Sandbox {
    const channel = new MessageChannel();
    const worker = new Worker(bootstrap, {
      eval: true,
      env: spec.env,
      workerData: { codePort: channel.port2 },
      transferList: [channel.port2],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
    });
    let resolveLoaded = () => {};
    const loaded = new Promise<void>((resolve) => (resolveLoaded = resolve));
    const sandbox: Sandbox = { worker, loaded, isLoaded: false, pending: new Map(), retired: false };
    const markLoaded = () => {
      sandbox.isLoaded = true;
      resolveLoaded();
    };
    worker.once("exit", () => markLoaded());
    sandboxes.add(sandbox);
    live.push(sandbox);
    for (const stream of [worker.stdout, worker.stderr]) {
      eachLine(stream, (line) => log.functionOutput(spec.name, line));
    }
    worker.on("message", (message: FromWorker) => {
      if (message.type === "loaded" || message.type === "load-failed") markLoaded();
      if (message.type === "load-failed") {
        log.error(`${spec.name}: cannot load ${spec.handler.modulePath}: ${message.error.message}`);
        return;
      }
      if (message.type !== "result") return;
      const pending = sandbox.pending.get(message.id);
      if (!pending) return;
      settle(sandbox, message.id);
      if (message.ok) pending.resolve(JSON.parse(message.json));
      else pending.reject(toFunctionError(message.error));
    });
    // An uncaught exception or unhandled rejection ends the sandbox, as it ends Lambda's runtime.
    worker.on("error", (error) => discard(sandbox, toFunctionError({ name: "Runtime.ExitError", message: error.message })));
    worker.on("exit", (code) => discard(sandbox, toFunctionError({ name: "Runtime.ExitError", message: `the runtime exited (${code})` })));
    const { modulePath, exportName } = spec.handler;
    void Promise.all([(workerEntry ??= bundleForSandbox(workerEntryPath, "worker-entry")), currentCode().then(
      (handlerUrl) => ({ handlerUrl, modulePath, exportName }),
      (error: Error) => ({ modulePath, buildError: { name: error.name, message: error.message } }),
    )]).then(
      ([entryUrl, sent]: [string, SandboxCode]) => channel.port1.postMessage({ entryUrl, ...sent }),
      (error: Error) => {
        log.error(`${spec.name}: cannot start a sandbox: ${error.message}`);
        void worker.terminate();
      },
    );
    return sandbox;
  }

  function settle(sandbox: Sandbox, id: number): void {
    const pending = sandbox.pending.get(id);
    if (pending) clearTimeout(pending.timer);
    sandbox.pending.delete(id);
    if (sandbox.retired && sandbox.pending.size === 0) void terminate(sandbox);
  }

  function unlist(sandbox: Sandbox): void {
    sandbox.retired = true;
    const at = live.indexOf(sandbox);
    if (at !== -1) live.splice(at, 1);
  }

  function discard(sandbox: Sandbox, error: Error): void {
    unlist(sandbox);
    sandboxes.delete(sandbox);
    for (const [id, pending] of sandbox.pending) {
      clearTimeout(pending.timer);
      sandbox.pending.delete(id);
      pending.reject(error);
    }
  }

  async function terminate(sandbox: Sandbox): Promise<void> {
    sandboxes.delete(sandbox);
    await sandbox.worker.terminate();
  }

  function retire(sandbox: Sandbox): void {
    unlist(sandbox);
    if (sandbox.pending.size === 0) void terminate(sandbox);
  }

  /**
   * The loaded sandbox with the fewest invocations in flight (the first one while none has loaded
   * yet: its invocations wait for the cold start). Starts another when all of them are busy.
   */
  function pick(): Sandbox {
    let best: Sandbox | undefined;
    for (const sandbox of live) {
      if (sandbox.isLoaded && (!best || sandbox.pending.size < best.pending.size)) best = sandbox;
    }
    const starting = live.some((sandbox) => !sandbox.isLoaded);
    if (best && best.pending.size >= scaleOutAt && live.length < maxSandboxes && !starting) spawn();
    return best ?? live[0] ?? spawn();
  }

  async function run(event: unknown, context: ContextData): Promise<unknown> {
    await preload(spec.preload ?? []);
    if (stopped) throw new FunctionError("Runtime.Stopped", "the offline runtime stopped");
    const sandbox = pick();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timeoutMs = Math.max(0, context.deadlineMs - Date.now());
      const timer = setTimeout(() => {
        sandbox.pending.delete(id);
        // Lambda names the configured timeout, not what was left of it when the invocation began.
        const seconds = spec.timeoutSeconds.toFixed(2);
        reject(new FunctionError("Sandbox.Timedout", `Task timed out after ${seconds} seconds`));
        retire(sandbox);
      }, timeoutMs);
      sandbox.pending.set(id, { resolve, reject, timer });
      const message: ToWorker = { type: "invoke", id, event, context };
      sandbox.worker.postMessage(message);
    });
  }

  return {
    spec,
    async invoke(event, options = {}) {
      const context = options.context ? contextDataOf(options.context) : createContextData(spec);
      const started = performance.now();
      const summary = options.summary ?? "invoked";
      try {
        const result = await run(event, context);
        const described = options.describe?.(result) ?? { outcome: "ok" as const };
        log.invocation({
          functionName: spec.name,
          summary: described.detail ? `${summary} ${described.detail}` : summary,
          outcome: described.outcome,
          durationMs: performance.now() - started,
        });
        return result;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        log.invocation({ functionName: spec.name, summary: `${summary} (${message})`, outcome: "error", durationMs: performance.now() - started });
        throw error;
      }
    },
    async warm() {
      await preload(spec.preload ?? []);
      if (stopped) return;
      await (live[0] ?? spawn()).loaded;
    },
    reload() {
      code = undefined;
      for (const sandbox of [...live]) retire(sandbox);
    },
    busyMs() {
      let busy = 0;
      for (const sandbox of sandboxes) busy += sandbox.worker.performance.eventLoopUtilization().active;
      return busy;
    },
    async stop() {
      stopped = true;
      const all = [...sandboxes];
      live.length = 0;
      for (const sandbox of all) discard(sandbox, new FunctionError("Runtime.Stopped", "the offline runtime stopped"));
      await Promise.all(all.map((sandbox) => sandbox.worker.terminate()));
    },
  };
}

const preloaded = new Map<string, Promise<void>>();

function preload(modules: readonly string[]): Promise<unknown> {
  return Promise.all(
    modules.map((name) => {
      let loading = preloaded.get(name);
      if (!loading) {
        // A module the function needs but that is not installed fails in the function, not here.
        loading = import(name).then(() => undefined, () => undefined);
        preloaded.set(name, loading);
      }
      return loading;
    }),
  );
}

function toFunctionError(error: SerializedError): FunctionError {
  return new FunctionError(error.name, error.message, error.stack);
}
