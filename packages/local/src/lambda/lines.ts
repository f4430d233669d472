import type { Readable } from "node:stream";

/**
 * Calls `onLine` with each line of a text stream (without its "\n"; a last line without one when
 * the stream ends). A function's log output crosses here once per invocation: a plain split of
 * each chunk costs a fraction of what node:readline's interface does.
 */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    let start = 0;
    for (let end = chunk.indexOf("\n"); end !== -1; end = chunk.indexOf("\n", start)) {
      const line = rest + chunk.slice(start, end);
      rest = "";
      onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      start = end + 1;
    }
    rest += chunk.slice(start);
  });
  stream.on("end", () => {
    if (rest) onLine(rest);
    rest = "";
  });
}
