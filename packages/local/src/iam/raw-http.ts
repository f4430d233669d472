/**
 * Just enough HTTP/1.1 framing for a loopback proxy that forwards bytes unchanged: where a request
 * or response head ends, its few headers, and where its body ends (Content-Length or chunked).
 */

export interface RequestHead {
  method: string;
  url: string;
  /** Lower-cased names; a repeated header keeps its first value (the layer reads only single-valued ones). */
  headers: Record<string, string>;
  /** The head's bytes, CRLFCRLF included. */
  length: number;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** The request head at the start of `buffer`, or undefined while it is incomplete. Throws on a malformed head. */
export function parseRequestHead(buffer: Buffer): RequestHead | undefined {
  const end = buffer.indexOf(CRLFCRLF);
  if (end === -1) {
    if (buffer.length > 64 * 1024) throw new Error("request head too large");
    return undefined;
  }
  const lines = buffer.toString("latin1", 0, end).split("\r\n");
  const [method = "", url = "", version = ""] = (lines[0] ?? "").split(" ");
  if (!method || !url || !version.startsWith("HTTP/1.")) throw new Error("malformed request line");
  return { method, url, headers: headersOf(lines), length: end + 4 };
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Tracks one response from an upstream, byte by byte as they arrive, and says when it is complete:
 * `push(chunk)` returns how many bytes of `chunk` belong to this response (all of them until it ends).
 */
export class ResponseTracker {
  private head = Buffer.alloc(0);
  private state: "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "until-close" | "done" = "head";
  private remaining = 0;
  private line = "";
  status = 0;

  private readonly bodiless: boolean;

  constructor(bodiless: boolean) {
    this.bodiless = bodiless;
  }

  get done(): boolean {
    return this.state === "done";
  }

  get untilClose(): boolean {
    return this.state === "until-close";
  }

  push(chunk: Buffer): number {
    let offset = 0;
    while (offset < chunk.length && this.state !== "done") {
      switch (this.state) {
        case "head": {
          const joined = Buffer.concat([this.head, chunk.subarray(offset)]);
          const end = joined.indexOf(CRLFCRLF);
          if (end === -1) {
            this.head = joined;
            return chunk.length;
          }
          const used = end + 4 - this.head.length;
          offset += used;
          const lines = joined.toString("latin1", 0, end).split("\r\n");
          this.status = Number((lines[0] ?? "").split(" ")[1] ?? 0);
          this.head = Buffer.alloc(0);
          if (this.status >= 100 && this.status < 200) break; // an interim answer: the real one follows
          const headers = headersOf(lines);
          if (this.bodiless || this.status === 204 || this.status === 304) this.state = "done";
          else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) this.state = "chunk-size";
          else if (headers["content-length"] !== undefined) {
            this.remaining = Number(headers["content-length"]);
            this.state = this.remaining === 0 ? "done" : "length";
          } else this.state = "until-close";
          break;
        }
        case "length": {
          const take = Math.min(this.remaining, chunk.length - offset);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "done";
          break;
        }
        case "chunk-size":
        case "chunk-end":
        case "trailers": {
          const newline = chunk.indexOf(10, offset);
          if (newline === -1) {
            this.line += chunk.toString("latin1", offset);
            return chunk.length;
          }
          const line = (this.line + chunk.toString("latin1", offset, newline)).replace(/\r$/, "");
          this.line = "";
          offset = newline + 1;
          if (this.state === "chunk-end") this.state = "chunk-size";
          else if (this.state === "trailers") {
            if (line === "") this.state = "done";
          } else {
            this.remaining = parseInt(line.split(";")[0] ?? "", 16);
            if (Number.isNaN(this.remaining)) throw new Error("malformed chunk size");
            this.state = this.remaining === 0 ? "trailers" : "chunk-data";
          }
          break;
        }
        case "chunk-data": {
          const take = Math.min(this.remaining, chunk.length - offset);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "chunk-end";
          break;
        }
        case "until-close":
          return chunk.length;
      }
    }
    return offset;
  }
}

/** A whole response as bytes: what the layer answers itself (its refusals). */
export function responseBytes(status: number, reason: string, headers: Record<string, string>, body: string): Buffer {
  const payload = Buffer.from(body);
  const lines = [`HTTP/1.1 ${status} ${reason}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), `content-length: ${payload.length}`, `date: ${new Date().toUTCString()}`];
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}
