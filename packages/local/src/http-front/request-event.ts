import type { IncomingMessage } from "node:http";
import { httpApiEvent } from "../events/api-gateway";
import type { HttpApiEvent, JwtAuthorizerInput } from "../events/api-gateway";
import type { RouteMatch } from "./routes";

export interface RequestHeaders {
  /** Lower-cased names, repeated values joined with commas (Cookie excluded). */
  headers: Record<string, string>;
  cookies: string[];
}

/** Headers as API Gateway passes them: from the raw list, so repeats are joined with "," exactly. */
export function requestHeaders(request: IncomingMessage): RequestHeaders {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    const value = raw[index + 1]!;
    if (name === "cookie") cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies };
}

/** The payload-2.0 event for one HTTP request. */
export function eventFromRequest(
  request: IncomingMessage,
  input: { headers: RequestHeaders; body: Buffer; route: RouteMatch; requestId: string; authorizer?: JwtAuthorizerInput },
): HttpApiEvent {
  const { headers, cookies } = input.headers;
  return httpApiEvent({
    method: request.method ?? "GET",
    path: request.url ?? "/",
    headers,
    cookies,
    body: input.body,
    routeKey: input.route.routeKey,
    ...(input.route.pathParameters ? { pathParameters: input.route.pathParameters } : {}),
    sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
    domainName: headers.host ?? "127.0.0.1",
    protocol: `HTTP/${request.httpVersion}`,
    requestId: input.requestId,
    ...(input.authorizer ? { authorizer: input.authorizer } : {}),
  });
}
