import { join } from "node:path";
import type { ObjectCreatedEventName } from "../events/s3";
import { openJournalFile, readJournal } from "../journal-file";

/**
 * The bucket notifications S3 owes a subscriber, on disk: an append-only file of notifications
 * accepted (an upload succeeded) and finished (the subscriber is done with it). On AWS, S3 delivers
 * a notification at least once once the upload succeeded, and Lambda's async queue keeps the event
 * through its retries; offline, the runtime is that queue, so a runtime stopped before the subscriber
 * finished — Ctrl-C or `kill -9` — hands what is still owed to the next start.
 *
 * A notification is written before the upload's answer is sent, so an uploader that got its 2xx has
 * its notification in the file (what that promises: ../journal-file.ts).
 */
export interface PendingNotification {
  /** The upload's `x-amz-request-id`: unique per request, so per notification. */
  id: string;
  eventName: ObjectCreatedEventName;
  bucket: string;
  key: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
  /** ISO time of the upload: the event's `eventTime`, also when delivered by a later start. */
  eventTime: string;
}

type Entry = { t: "new"; n: PendingNotification } | { t: "done"; id: string };

export interface NotificationJournal {
  /** null: nothing on disk (in memory). */
  readonly path: string | null;
  /** What earlier runs accepted and never finished, oldest first; taken once, by whoever delivers them. */
  takePending(): PendingNotification[];
  /** Recorded before it returns: the front calls it before it answers the upload. */
  accepted(notification: PendingNotification): void;
  /** The subscriber is done with it (succeeded, or failed its last retry and was dropped, as Lambda drops it). */
  finished(id: string): void;
  /** Notifications accepted and not finished yet, earlier runs' included. */
  pending(): number;
  /** Later calls are ignored: what is unfinished then stays in the file for the next start. */
  close(): void;
}

/** Inside s3rver's folder, so `--reset` empties it with the objects it names; no bucket can be named so (`_`). */
export function notificationJournalPath(dataDir: string): string {
  return join(dataDir, "s3", "_notifications.jsonl");
}

/** Rewrite the file once it holds this many lines more than pending notifications (and 4× as many). */
const compactAfterLines = 1000;

export function openNotificationJournal(path: string): NotificationJournal {
  const live = replay(path);
  let stored = [...live.values()];
  const file = openJournalFile<Entry>(path, {
    snapshot: () => [...live.values()].map((notification) => ({ t: "new", n: notification }) as const),
    live: () => live.size,
    compactAfterLines,
  });
  let closed = false;

  return {
    path,
    takePending() {
      const taken = stored;
      stored = [];
      return taken;
    },
    accepted(notification) {
      if (closed) return;
      live.set(notification.id, notification);
      file.append([{ t: "new", n: notification }]);
    },
    finished(id) {
      if (closed || !live.delete(id)) return;
      file.append([{ t: "done", id }]);
    },
    pending: () => live.size,
    close() {
      closed = true;
      file.close();
    },
  };
}

/** The same bookkeeping without a file (in memory): nothing outlives the process. */
export function memoryNotificationJournal(): NotificationJournal {
  const live = new Set<string>();
  return {
    path: null,
    takePending: () => [],
    accepted: (notification) => void live.add(notification.id),
    finished: (id) => void live.delete(id),
    pending: () => live.size,
    close: () => live.clear(),
  };
}

/** What the file holds as pending, without opening it for writing (tests, diagnostics). */
export function readPendingNotifications(path: string): PendingNotification[] {
  return [...replay(path).values()];
}

function replay(path: string): Map<string, PendingNotification> {
  const live = new Map<string, PendingNotification>();
  for (const entry of readJournal<Entry>(path)) {
    if (entry.t === "new") live.set(entry.n.id, entry.n);
    else live.delete(entry.id);
  }
  return live;
}
