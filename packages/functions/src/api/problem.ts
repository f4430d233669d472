import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod";
import { DomainError, type DomainErrorKind } from "@users/core/errors";
import type { ApiEnv } from "./env";

/**
 * Bounds on what an error echoes back: a body with ten thousand unknown keys gets a short answer, not
 * one that repeats every key.
 */
const MAX_DETAIL = 1000;
const MAX_FIELDS = 20;
const MAX_FIELD_PATH = 200;
const MAX_FIELD_MESSAGE = 500;

/** RFC 9457 problem details: the body of every error this API answers. */
export const Problem = z
  .object({
    type: z.string().max(200),
    title: z.string().max(100),
    status: z.int().min(400).max(599),
    detail: z.string().max(MAX_DETAIL),
    requestId: z.string().max(200),
    errors: z.array(z.object({ path: z.string().max(MAX_FIELD_PATH), message: z.string().max(MAX_FIELD_MESSAGE) })).max(MAX_FIELDS).optional(),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;
export type ProblemField = NonNullable<Problem["errors"]>[number];

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  428: "Precondition Required",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const statusOf: Record<DomainErrorKind, ContentfulStatusCode> = {
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  invalid_input: 400,
};

export function problem(
  c: Context<ApiEnv>,
  status: ContentfulStatusCode,
  detail: string,
  options: { errors?: ProblemField[]; headers?: Record<string, string> } = {},
): Response {
  const title = titles[status] ?? "Error";
  const body: Problem = {
    // No extra semantics beyond the status code, as RFC 9457 §4.2.1 recommends.
    type: "about:blank",
    title,
    status,
    detail: clip(detail, MAX_DETAIL),
    requestId: c.get("requestId"),
    ...(options.errors
      ? { errors: options.errors.slice(0, MAX_FIELDS).map((field) => ({ path: clip(field.path, MAX_FIELD_PATH), message: clip(field.message, MAX_FIELD_MESSAGE) })) }
      : {}),
  };
  // A plain Response on purpose: error bodies stay out of the RPC types, so `hc` narrows success
  // statuses cleanly and errors are read as `Problem` by the client's `unwrap`.
  return c.body(JSON.stringify(body), status, { "content-type": "application/problem+json", ...options.headers });
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The one mapping from anything thrown to an HTTP answer. Internals never reach the client. */
export function onError(error: Error, c: Context<ApiEnv>) {
  if (error instanceof DomainError) return problem(c, statusOf[error.kind], error.message);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status >= 500) c.get("logger").error("request failed", { error });
    return problem(c, status, error.message || titles[status] || "Error");
  }
  c.get("logger").error("unexpected error", { error });
  return problem(c, 500, "Something went wrong on our side. Quote the requestId if you report it.");
}

export const notFoundRoute = (c: Context<ApiEnv>) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`);
