export interface HttpResponse {
  statusCode: number;
  /** Pairs, so several set-cookie headers survive. */
  headers: [string, string][];
  body: Buffer;
}

/**
 * A Lambda result as API Gateway (payload 2.0) turns it into a response: an object with
 * `statusCode` is structured (headers, `cookies` → one set-cookie each, base64 bodies); anything
 * else is taken as a JSON body with 200. Undefined when the result is malformed (API Gateway: 500).
 */
export function responseFromResult(result: unknown): HttpResponse | undefined {
  if (result === null || typeof result !== "object" || Array.isArray(result) || !("statusCode" in result)) {
    return {
      statusCode: 200,
      headers: [["content-type", "application/json"]],
      body: Buffer.from(typeof result === "string" ? result : JSON.stringify(result), "utf8"),
    };
  }
  const structured = result as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const { statusCode } = structured;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (structured.body !== undefined && structured.body !== null && typeof structured.body !== "string") return undefined;

  const headers: [string, string][] = [];
  if (structured.headers !== undefined && structured.headers !== null) {
    if (typeof structured.headers !== "object") return undefined;
    for (const [name, value] of Object.entries(structured.headers)) {
      if (!["string", "number", "boolean"].includes(typeof value)) return undefined;
      headers.push([name.toLowerCase(), String(value)]);
    }
  }
  if (structured.cookies !== undefined) {
    if (!Array.isArray(structured.cookies) || structured.cookies.some((cookie) => typeof cookie !== "string")) return undefined;
    for (const cookie of structured.cookies as string[]) headers.push(["set-cookie", cookie]);
  }
  const text = typeof structured.body === "string" ? structured.body : "";
  const body = structured.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, body };
}
