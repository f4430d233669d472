/** Where the runtime reports what it does: startup steps, invocations, and the functions' own output. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** One line per function invocation. */
  invocation(entry: InvocationLogEntry): void;
  /** A line a function printed (console.log in a handler). */
  functionOutput(functionName: string, line: string): void;
}

export interface InvocationLogEntry {
  functionName: string;
  /** What was invoked, e.g. `GET /users 200` or `3 records`. */
  summary: string;
  outcome: "ok" | "error";
  durationMs: number;
}

const colors = { dim: "\x1b[2m", red: "\x1b[31m", yellow: "\x1b[33m", green: "\x1b[32m", cyan: "\x1b[36m", reset: "\x1b[0m" };

/**
 * Plain `HH:MM:SS.mmm message` lines when the stream is not a terminal (CI, `&`, pipes), so scripts can
 * grep them; colours only on a TTY.
 */
export function createConsoleLogger(stream: NodeJS.WriteStream = process.stdout): Logger {
  const tty = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (color: keyof typeof colors, text: string) => (tty ? `${colors[color]}${text}${colors.reset}` : text);
  const write = (text: string) => stream.write(`${paint("dim", timestamp())} ${text}\n`);
  return {
    info: (message) => write(message),
    warn: (message) => write(paint("yellow", `warn  ${message}`)),
    error: (message) => write(paint("red", `error ${message}`)),
    invocation: ({ functionName, summary, outcome, durationMs }) =>
      write(
        `${paint("cyan", functionName)} ${summary} ${outcome === "ok" ? paint("green", "ok") : paint("red", "error")} ${Math.round(durationMs)} ms`,
      ),
    functionOutput: (functionName, line) => write(`${paint("dim", `[${functionName}]`)} ${line}`),
  };
}

/** For tests: nothing printed, everything kept, so a test can read what happened. */
export function createMemoryLogger(): Logger & { lines: string[]; invocations: InvocationLogEntry[] } {
  const lines: string[] = [];
  const invocations: InvocationLogEntry[] = [];
  return {
    lines,
    invocations,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
    invocation: (entry) => {
      invocations.push(entry);
      lines.push(`${entry.functionName} ${entry.summary} ${entry.outcome}`);
    },
    functionOutput: (functionName, line) => lines.push(`[${functionName}] ${line}`),
  };
}

function timestamp(): string {
  return new Date().toISOString().slice(11, 23);
}
