import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type * as z from "zod";
import { problem } from "./problem";

/**
 * `zValidator` with this API's error shape: every invalid input becomes a 400 problem+json that
 * lists each failing field, before any use case runs.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) =>
  zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const errors = result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join(".") : target,
      message: issue.message,
    }));
    return problem(c as never, 400, `invalid ${target}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, { errors });
  });
