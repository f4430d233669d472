import { existsSync, watch } from "node:fs";
import type { FSWatcher } from "node:fs";

/**
 * Calls `onChange` (debounced) when a source file under one of `dirs` changes, so the next
 * invocation runs the new code. Stopping returns nothing to wait for.
 */
export function watchSources(dirs: readonly string[], onChange: (file: string) => void, debounceMs = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  let lastFile = "";
  const watchers: FSWatcher[] = dirs
    .filter((dir) => existsSync(dir))
    .map((dir) =>
      watch(dir, { recursive: true }, (_event, file) => {
        if (!file || !/\.(ts|mts|js|mjs|json)$/.test(file)) return;
        lastFile = file;
        clearTimeout(timer);
        timer = setTimeout(() => onChange(lastFile), debounceMs);
      }),
    );
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
