import { closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * An append-only file of JSON lines, the storage of the runtime's journals (the queue's messages,
 * the bucket's pending notifications). A line is written with writeSync before the caller answers
 * whoever the entry concerns: once in the OS's page cache, a killed process cannot lose it. An OS
 * crash or power loss could lose the last second: the file is synced once a second when written to,
 * not per line (a disk flush per like would cost more than the like).
 */
export interface JournalFile<Entry> {
  /** Written before it returns. */
  append(entries: readonly Entry[]): void;
  /** Syncs and closes; later appends are ignored. */
  close(): void;
}

/** The entries a journal holds, oldest first. Only the last line can be cut short (a kill during its write): it is skipped, as its request was never answered. */
export function readJournal<Entry>(path: string): Entry[] {
  if (!existsSync(path)) return [];
  const entries: Entry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      continue;
    }
  }
  return entries;
}

/**
 * Opens `path` for appending, first rewritten to `snapshot()` (what is live, as entries that recreate
 * it); rewritten so again once it holds `compactAfterLines` lines more than `live()` and 4× as many.
 */
export function openJournalFile<Entry>(path: string, input: { snapshot: () => Iterable<Entry>; live: () => number; compactAfterLines: number }): JournalFile<Entry> {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = rewrite(path, input.snapshot());
  let lines = input.live();
  let dirty = false;
  const syncTimer = setInterval(() => {
    if (!dirty || fd === undefined) return;
    dirty = false;
    fdatasync(fd, () => undefined);
  }, 1000);
  syncTimer.unref();

  return {
    append(entries) {
      if (fd === undefined || entries.length === 0) return;
      writeSync(fd, `${entries.map((entry) => JSON.stringify(entry)).join("\n")}\n`);
      lines += entries.length;
      dirty = true;
      const live = input.live();
      if (lines > input.compactAfterLines && lines > 4 * live) {
        closeSync(fd);
        fd = rewrite(path, input.snapshot());
        lines = live;
      }
    },
    close() {
      if (fd === undefined) return;
      clearInterval(syncTimer);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
    },
  };
}

/** Writes the entries to a new file and swaps it in (rename is atomic); returns its fd for appending. */
function rewrite<Entry>(path: string, entries: Iterable<Entry>): number {
  const next = `${path}.next`;
  const fd = openSync(next, "w");
  let chunk: string[] = [];
  const write = () => {
    if (chunk.length > 0) writeSync(fd, `${chunk.join("\n")}\n`);
    chunk = [];
  };
  for (const entry of entries) {
    chunk.push(JSON.stringify(entry));
    if (chunk.length >= 1000) write();
  }
  write();
  fsyncSync(fd);
  closeSync(fd);
  renameSync(next, path);
  return openSync(path, "a");
}
