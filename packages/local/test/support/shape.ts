/**
 * The structure of a value with its leaves replaced by their types, so an event made offline can be
 * compared field by field with one AWS sends, without comparing ids and timestamps.
 */
export function shape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, shape(inner)]));
  }
  return typeof value;
}

export { fixture } from "../../../../fixtures/aws-events/load";
