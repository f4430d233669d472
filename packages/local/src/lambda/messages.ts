import type { ContextData } from "./context";

/** What the runtime and a function's worker say to each other. */
export type ToWorker = { type: "invoke"; id: number; event: unknown; context: ContextData };

export type FromWorker =
  | { type: "loaded" }
  | { type: "load-failed"; error: SerializedError }
  | { type: "result"; id: number; ok: true; json: string }
  | { type: "result"; id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: "Error", message: String(error) };
}

/** The error the runtime rethrows for a failed invocation, shaped like Lambda's error payload. */
export class FunctionError extends Error {
  readonly errorType: string;
  readonly remoteStack: string | undefined;
  constructor(errorType: string, message: string, remoteStack?: string) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.remoteStack = remoteStack;
  }
}
