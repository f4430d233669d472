import { openJournalFile, readJournal } from "../journal-file";

/**
 * The queue's messages on disk: an append-only file of what happened to them (sent, received,
 * deleted, purged). Replaying it gives the messages a queue still holds, so a runtime stopped any
 * way at all — Ctrl-C or `kill -9` — hands every accepted message to the next start.
 *
 * A line is written before the emulator answers the request that caused it (see `flush`), so a
 * client that got its answer has its message in the file (what that promises: ../journal-file.ts).
 */
export interface StoredMessage {
  queue: string;
  /** The emulator's record as it was created (MessageId, MessageBody, attributes, …). */
  record: JournalRecord;
  /** Receives so far: SQS's ApproximateReceiveCount, which the DLQ's maxReceiveCount counts. */
  receives: number;
  firstReceivedAt?: number;
}

export interface JournalRecord {
  MessageId: string;
  attributes: Record<string, string | undefined>;
  [field: string]: unknown;
}

type Entry =
  | { t: "put"; q: string; r: JournalRecord; n?: number; f?: number }
  | { t: "recv"; q: string; m: [id: string, count: number][]; at: number }
  | { t: "del"; q: string; id: string }
  | { t: "purge"; q: string };

export interface MessageJournal {
  readonly path: string;
  /** Messages the file held at open, by queue, oldest first; taken once by the queue that owns them. */
  takeStored(queue: string): StoredMessage[];
  put(queue: string, record: JournalRecord): void;
  received(queue: string, messages: readonly { id: string; count: number }[]): void;
  deleted(queue: string, id: string): void;
  purged(queue: string): void;
  /** Writes what was recorded since the last flush. Called before every answer the emulator sends. */
  flush(): void;
  /** How many messages the journal holds now. */
  size(): number;
  close(): void;
}

/** Rewrite the file once it holds this many lines more than live messages (and 4× as many). */
const compactAfterLines = 20_000;

export function openMessageJournal(path: string): MessageJournal {
  const live = new Map<string, StoredMessage>();
  for (const entry of readJournal<Entry>(path)) apply(live, entry);
  const stored = new Map<string, StoredMessage[]>();
  for (const message of live.values()) {
    const list = stored.get(message.queue) ?? [];
    list.push(message);
    stored.set(message.queue, list);
  }
  const file = openJournalFile<Entry>(path, { snapshot: () => [...live.values()].map(asPut), live: () => live.size, compactAfterLines });
  let pending: Entry[] = [];

  const record = (entry: Entry) => {
    apply(live, entry);
    pending.push(entry);
  };

  const journal: MessageJournal = {
    path,
    takeStored(queue) {
      const messages = stored.get(queue) ?? [];
      stored.delete(queue);
      return messages;
    },
    put: (queue, message) => record({ t: "put", q: queue, r: message }),
    received(queue, messages) {
      if (messages.length > 0) record({ t: "recv", q: queue, m: messages.map(({ id, count }) => [id, count]), at: Date.now() });
    },
    deleted: (queue, id) => record({ t: "del", q: queue, id }),
    purged: (queue) => record({ t: "purge", q: queue }),
    flush() {
      const entries = pending;
      pending = [];
      file.append(entries);
    },
    size: () => live.size,
    close() {
      journal.flush();
      file.close();
    },
  };
  return journal;
}

/** A message as the one entry that recreates it, receives included. */
function asPut(message: StoredMessage): Entry {
  return {
    t: "put",
    q: message.queue,
    r: message.record,
    ...(message.receives > 0 ? { n: message.receives } : {}),
    ...(message.firstReceivedAt !== undefined ? { f: message.firstReceivedAt } : {}),
  };
}

/** A `put` adds (or moves, for a redrive to the DLQ), `del`/`purge` remove. */
function apply(live: Map<string, StoredMessage>, entry: Entry): void {
  switch (entry.t) {
    case "put":
      live.set(entry.r.MessageId, {
        queue: entry.q,
        record: entry.r,
        receives: entry.n ?? 0,
        ...(entry.f !== undefined ? { firstReceivedAt: entry.f } : {}),
      });
      return;
    case "recv":
      for (const [id, count] of entry.m) {
        const message = live.get(id);
        if (!message || message.queue !== entry.q) continue;
        message.receives = count;
        message.firstReceivedAt ??= entry.at;
      }
      return;
    case "del": {
      if (live.get(entry.id)?.queue === entry.q) live.delete(entry.id);
      return;
    }
    case "purge":
      for (const [id, message] of live) if (message.queue === entry.q) live.delete(id);
      return;
  }
}
