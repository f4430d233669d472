import type * as z from "zod";

export type FieldErrors = Partial<Record<string, string>>;

/** The first message per field from a zod schema of the API; the form-wide ones under "". */
export function fieldErrors(schema: z.ZodType, value: unknown): FieldErrors {
  const result = schema.safeParse(value);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "");
    errors[key] ??= issue.message;
  }
  return errors;
}

/** The form's text, as the JSON the API takes: age as a number, blanks as absent. */
export function toInput(values: Record<string, string>): Record<string, string | number> {
  const input: Record<string, string | number> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (raw.trim() === "") continue;
    input[key] = key === "age" ? Number(raw) : raw;
  }
  return input;
}
