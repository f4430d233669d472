import { BroadcastChannel } from "node:worker_threads";

/**
 * How test handlers, running in the runtime's worker threads, tell the test what they saw: a
 * BroadcastChannel reaches every thread of the process. The test names it through TEST_CHANNEL.
 */
const channel = new BroadcastChannel(process.env.TEST_CHANNEL ?? "local-runtime-test");
channel.unref();

export function report(message: Record<string, unknown>): void {
  channel.postMessage(message);
}
