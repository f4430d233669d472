import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../src/index";
import { createAsyncInvoker } from "../src/lambda/async-invoke";
import type { FunctionHost } from "../src/lambda/function-host";
import { openNotificationJournal, readPendingNotifications } from "../src/s3/notification-journal";
import type { PendingNotification } from "../src/s3/notification-journal";

/** The bucket notifications still owed to the subscriber, on disk, and the async invoker saying when it is done with one. */
let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "users-notification-journal-"));
  path = join(dir, "s3", "_notifications.jsonl");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const notification = (id: string): PendingNotification => ({
  id,
  eventName: "ObjectCreated:Post",
  bucket: "avatars",
  key: `uploads/user/${id}`,
  sourceIp: "127.0.0.1",
  requestId: id,
  hostId: "host",
  eventTime: "2024-05-01T12:00:00.000Z",
});

describe("the notification journal", () => {
  it("hands the next open what was accepted and not finished, even without a close (a kill)", () => {
    const first = openNotificationJournal(path);
    for (const id of ["A", "B", "C"]) first.accepted(notification(id));
    first.finished("B");
    // Not closed: what a SIGKILL leaves is what writeSync put in the file.
    expect(readPendingNotifications(path).map((n) => n.id)).toEqual(["A", "C"]);

    const second = openNotificationJournal(path);
    expect(second.takePending()).toEqual([notification("A"), notification("C")]);
    expect(second.takePending()).toEqual([]);
    expect(second.pending()).toBe(2);
    second.finished("A");
    second.close();
    // After the close, nothing more is written: an invocation finishing during a stop is owed again.
    second.finished("C");
    expect(readPendingNotifications(path).map((n) => n.id)).toEqual(["C"]);
  });

  it("skips a last line cut short by a kill, and compacts the file at open", async () => {
    const first = openNotificationJournal(path);
    first.accepted(notification("A"));
    first.accepted(notification("B"));
    first.finished("A");
    first.close();
    await appendFile(path, '{"t":"new","n":{"id":"C","ev');

    const second = openNotificationJournal(path);
    expect(second.takePending().map((n) => n.id)).toEqual(["B"]);
    second.close();
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("rewrites a long file down to what is pending", async () => {
    const journal = openNotificationJournal(path);
    journal.accepted(notification("kept"));
    for (let i = 0; i < 1200; i++) {
      journal.accepted(notification(`n${i}`));
      journal.finished(`n${i}`);
    }
    journal.close();
    expect((await readFile(path, "utf8")).trim().split("\n").length).toBeLessThan(1000);
    expect(readPendingNotifications(path).map((n) => n.id)).toEqual(["kept"]);
  });
});

describe("the async invoker's done", () => {
  /** A host whose invocations fail `failures` times, then succeed; `hold` keeps an attempt running until released. */
  function fakeHost(failures: number) {
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const host = {
      spec: { name: "UploadsSubscriber" },
      invoke: (_event: unknown, { summary }: { summary: string }) => {
        calls.push(summary);
        if (summary.startsWith("hold")) return new Promise<never>((_resolve, reject) => (release = () => reject(new Error("failed after the stop"))));
        return calls.length <= failures ? Promise.reject(new Error("failed")) : Promise.resolve({});
      },
    } as unknown as FunctionHost;
    return { host, calls, release: () => release?.() };
  }
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it("is called once an attempt succeeds, retries included", async () => {
    const { host, calls } = fakeHost(1);
    const invoker = createAsyncInvoker(host, { retryAttempts: 2, retryDelaysMs: [1], log: createMemoryLogger() });
    let done = 0;
    invoker.invoke({}, "event", () => done++);
    await until(() => done > 0);
    expect({ calls: calls.length, done }).toEqual({ calls: 2, done: 1 });
    await invoker.stop();
  });

  it("is called when the last retry failed and the event is dropped", async () => {
    const { host, calls } = fakeHost(10);
    const log = createMemoryLogger();
    const invoker = createAsyncInvoker(host, { retryAttempts: 2, retryDelaysMs: [1], log });
    let done = 0;
    invoker.invoke({}, "event", () => done++);
    await until(() => done > 0);
    expect({ calls: calls.length, done }).toEqual({ calls: 3, done: 1 });
    expect(log.lines.some((line) => line.includes("dropped"))).toBe(true);
    await invoker.stop();
  });

  it("is not called for a retry still waiting, nor for an attempt that fails during the stop", async () => {
    const { host, calls, release } = fakeHost(10);
    const invoker = createAsyncInvoker(host, { retryAttempts: 2, retryDelaysMs: [60_000], log: createMemoryLogger() });
    let done = 0;
    invoker.invoke({}, "waiting", () => done++);
    invoker.invoke({}, "hold", () => done++);
    await until(() => calls.length === 2);
    const stopping = invoker.stop();
    release();
    await stopping;
    expect(done).toBe(0);
    expect(calls).toEqual(["waiting", "hold"]);
  });
});
