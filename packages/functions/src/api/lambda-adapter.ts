import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { defaultIsContentTypeBinary } from "hono/aws-lambda";

/** What the adapter needs of a Hono app: its `fetch`, called with the Lambda bindings. */
interface FetchApp {
  fetch(request: Request, env: { event: APIGatewayProxyEventV2; requestContext: unknown; lambdaContext: Context }): Response | Promise<Response>;
}

/**
 * API Gateway (payload 2.0) → fetch `Request` → the app → payload 2.0 result.
 *
 * Hono's own adapter (`hono/aws-lambda`) cannot turn some valid gateway events into a `Request` —
 * fetch refuses a body on GET/HEAD and the methods CONNECT, TRACE and TRACK — and answers those
 * itself with a text/plain 400 the app never sees. Here every event reaches the app, which answers
 * with its own problem+json (400 for the body, 405 with `Allow` for the method).
 */
export function lambdaHandler(app: FetchApp) {
  return async (event: APIGatewayProxyEventV2, lambdaContext: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const response = await app.fetch(toRequest(event), { event, requestContext: event.requestContext, lambdaContext });
    return toResult(response);
  };
}

/** Methods fetch's `Request` refuses to carry (Fetch standard, "forbidden method"). */
const FETCH_FORBIDDEN_METHOD = /^(CONNECT|TRACE|TRACK)$/i;
/** An HTTP method is a token (RFC 9110 §9.1). */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A `Request` whose `method` is the one the gateway received, even where fetch would not build such a
 * request: the stand-in underneath only carries the URL, headers and body to the app.
 */
class GatewayRequest extends Request {
  readonly #method: string;
  constructor(url: string, init: RequestInit, method: string) {
    super(url, init);
    this.#method = method;
  }
  override get method(): string {
    return this.#method;
  }
}

export function toRequest(event: APIGatewayProxyEventV2): Request {
  const method = event.requestContext?.http?.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    try {
      headers.set(name, headerValue(value));
    } catch {
      // Not a header name fetch accepts: the gateway would not pass one, and no route reads it.
    }
  }
  if (Array.isArray(event.cookies) && event.cookies.length > 0) headers.set("cookie", event.cookies.join("; "));

  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8") : undefined;
  // The framing headers describe the body as it travelled; the app gets it whole, so they describe that.
  headers.delete("transfer-encoding");
  if (body) headers.set("content-length", String(body.length));
  else headers.delete("content-length");
  const init: RequestInit = { headers, ...(body ? { body } : {}) };

  const url = requestUrl(event);
  const fetchCarriesIt = METHOD_TOKEN.test(method) && !FETCH_FORBIDDEN_METHOD.test(method) && !(body && /^(GET|HEAD)$/i.test(method));
  if (fetchCarriesIt) return new Request(url, { ...init, method });
  return new GatewayRequest(url, { ...init, method: body ? "POST" : "GET" }, method);
}

/** The URL the client called; the gateway's domain name, or `localhost` if it is not one a URL can hold. */
function requestUrl(event: APIGatewayProxyEventV2): string {
  const rawPath = event.rawPath?.startsWith("/") ? event.rawPath : `/${event.rawPath ?? ""}`;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
  const domain = event.requestContext?.domainName ?? event.headers?.host ?? "localhost";
  try {
    return new URL(`https://${domain}${rawPath}${query}`).href;
  } catch {
    return new URL(`https://localhost${rawPath}${query}`).href;
  }
}

/** Header values must be visible ASCII for fetch; anything else travels percent-encoded, as Hono's adapter does. */
function headerValue(value: string): string {
  if (/^[\t\x20-\x7e]*$/.test(value)) return value;
  return Array.from(Buffer.from(value, "utf8"), (byte) =>
    byte > 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");
}

export async function toResult(response: Response): Promise<APIGatewayProxyStructuredResultV2> {
  const contentType = response.headers.get("content-type");
  const encoding = response.headers.get("content-encoding");
  const binary = (contentType !== null && defaultIsContentTypeBinary(contentType)) || (encoding !== null && /^(gzip|deflate|compress|br)\b/i.test(encoding));
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    body: binary ? Buffer.from(await response.arrayBuffer()).toString("base64") : await response.text(),
    isBase64Encoded: binary,
  };
}
