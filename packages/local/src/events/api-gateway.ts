import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyEventV2WithRequestContext,
} from "aws-lambda";
import { localAccountId } from "../names";
import { ids } from "./ids";

export type ClaimValue = string | number | boolean | string[];

export interface JwtAuthorizerInput {
  claims: Record<string, ClaimValue>;
  scopes: string[] | null;
}

/** What the factory needs to build an HTTP API (payload 2.0) event; everything else gets AWS's defaults. */
export interface HttpApiEventInput {
  method: string;
  /** The raw path, optionally followed by `?` and the raw query string. */
  path: string;
  /** Header names in any case; repeated values already joined with commas. A `cookie` header becomes `cookies`. */
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string | Uint8Array;
  /** Default: base64 when the content type is not text, as API Gateway decides. */
  isBase64Encoded?: boolean;
  /** `$default`, or the matched route such as `GET /health`. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
  /** The Host the client called, e.g. `127.0.0.1:3000`. */
  domainName?: string;
  protocol?: string;
  requestId?: string;
  apiId?: string;
  time?: Date;
  /** Present on routes behind the JWT authorizer. */
  authorizer?: JwtAuthorizerInput;
}

export type HttpApiEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: APIGatewayEventRequestContextJWTAuthorizer }
>;

/** A 10-character id like API Gateway's, constant so URLs in logs stay the same across restarts. */
export const localApiId = "l0ca1ap1gw";

/**
 * An API Gateway HTTP API payload-2.0 event, field by field as AWS sends it (see
 * fixtures/aws-events/apigw-http-*.json): lower-cased headers, cookies split out of the
 * Cookie header, the query string both raw and parsed, base64 bodies for binary content, and the JWT
 * authorizer's claims as strings.
 */
export function httpApiEvent(input: HttpApiEventInput & { authorizer: JwtAuthorizerInput }): APIGatewayProxyEventV2WithJWTAuthorizer;
export function httpApiEvent(input: HttpApiEventInput): APIGatewayProxyEventV2;
export function httpApiEvent(input: HttpApiEventInput): HttpApiEvent {
  const time = input.time ?? new Date();
  const [rawPath = "/", rawQueryString = ""] = splitOnce(input.path, "?");
  const domainName = input.domainName ?? "127.0.0.1";
  const sourceIp = input.sourceIp ?? "127.0.0.1";
  const { headers, cookies } = normalizeHeaders(input.headers ?? {}, input.cookies);

  headers.host ??= domainName;
  headers["x-amzn-trace-id"] ??= ids.traceId(time.getTime());
  headers["x-forwarded-for"] ??= sourceIp;
  headers["x-forwarded-port"] ??= portOf(domainName);
  headers["x-forwarded-proto"] ??= "http";

  const body = encodeBody(input.body, headers["content-type"], input.isBase64Encoded);
  if (body && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
  const routeKey = input.routeKey ?? "$default";
  const queryStringParameters = parseQuery(rawQueryString);

  const requestContext: HttpApiEvent["requestContext"] = {
    accountId: localAccountId,
    apiId: input.apiId ?? localApiId,
    ...(input.authorizer ? { authorizer: jwtAuthorizer(input.authorizer) } : {}),
    domainName,
    domainPrefix: domainName.replace(/:\d+$/, "").split(".")[0] ?? domainName,
    http: {
      method: input.method.toUpperCase(),
      path: rawPath,
      protocol: input.protocol ?? "HTTP/1.1",
      sourceIp,
      userAgent: headers["user-agent"] ?? "",
    },
    requestId: input.requestId ?? ids.apiGatewayRequestId(),
    routeKey,
    stage: "$default",
    time: apiGatewayTime(time),
    timeEpoch: time.getTime(),
  };

  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext,
    ...(body ? { body: body.text } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    isBase64Encoded: body?.base64 ?? false,
  };
}

/** API Gateway passes every claim as a string: numbers as digits, arrays as `[a b]`. */
export function stringifyClaims(claims: Record<string, ClaimValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(" ")}]` : typeof value === "string" ? value : String(value),
    ]),
  );
}

function jwtAuthorizer(input: JwtAuthorizerInput): APIGatewayEventRequestContextJWTAuthorizer {
  return { jwt: { claims: stringifyClaims(input.claims), scopes: input.scopes } };
}

/** Text types travel as text; everything else (images, forms, no type at all) as base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/javascript" ||
    type === "application/graphql"
  );
}

function encodeBody(body: string | Uint8Array | undefined, contentType: string | undefined, base64?: boolean) {
  if (body === undefined || body.length === 0) return undefined;
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const asBase64 = base64 ?? !isTextContentType(contentType);
  return { text: asBase64 ? bytes.toString("base64") : bytes.toString("utf8"), base64: asBase64, length: bytes.length };
}

function normalizeHeaders(input: Record<string, string>, cookiesInput: string[] | undefined) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const cookies = [...(cookiesInput ?? [])];
  if (headers.cookie !== undefined) {
    cookies.push(...headers.cookie.split(/;\s*/).filter(Boolean));
    delete headers.cookie;
  }
  return { headers, cookies };
}

/** Decoded values, repeated names joined with commas, as payload 2.0 does; undefined when empty. */
export function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const pair of rawQueryString.split("&")) {
    if (pair === "") continue;
    const [rawName = "", rawValue = ""] = splitOnce(pair, "=");
    const name = safeDecode(rawName);
    const value = safeDecode(rawValue);
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function portOf(domainName: string): string {
  return /:(\d+)$/.exec(domainName)?.[1] ?? "80";
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `17/Jun/2024:15:49:29 +0000`, the CLF-style time API Gateway writes. */
function apiGatewayTime(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
}
