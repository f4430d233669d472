import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type * as z from "zod";
import { problem } from "./problem";

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\b/i;

/** What a reader of the error calls each part of the request (hono's target names are internal). */
const PART: Partial<Record<keyof ValidationTargets, string>> = { json: "body", param: "path", query: "query string", header: "headers" };

/**
 * `zValidator` with this API's error shape: every invalid input becomes a 400 problem+json that
 * lists each failing field, before any use case runs. A JSON body sent as anything else (curl's
 * default form encoding, say) is a 415 that says so, rather than a list of "missing" fields.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) => {
  const validator = zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const errors = result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join(".") : (PART[target] ?? target),
      message: issue.message,
    }));
    const part = PART[target] ?? target;
    return problem(c as never, 400, `invalid ${part}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, { errors });
  });
  if (target !== "json") return validator;
  const requireJson: MiddlewareHandler = async (c, next) =>
    JSON_TYPE.test(c.req.header("content-type") ?? "")
      ? validator(c, next)
      : problem(c as never, 415, "send the body as JSON, with Content-Type: application/json");
  // Same input and output types as the validator it guards, so the typed client is unchanged.
  return requireJson as typeof validator;
};
