import * as z from "zod";

/** A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses) as zod emits it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Turns the routes' zod schemas into OpenAPI Schema Objects. Schemas that carry `.meta({ id })` are
 * hoisted into `components.schemas` and referenced by `$ref`, so `User` is described once however
 * many routes return it.
 */
export function createSchemaComponents() {
  const components: Record<string, JsonSchema> = {};

  const add = (id: string, schema: JsonSchema) => {
    const existing = components[id];
    // One id, two shapes: e.g. a schema whose input and output differ (a transform, a default)
    // used both as a body and as a response. Fail the build rather than document one of them wrongly.
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`schema "${id}" converts to two different JSON Schemas; give its input or output form its own id`);
    }
    components[id] = schema;
  };

  return {
    /** `io: "input"` for what clients send (before defaults/transforms), `"output"` for what they get. */
    schema(zodSchema: z.ZodType, io: "input" | "output"): JsonSchema {
      const { $defs, $schema: _dialect, ...root } = z.toJSONSchema(zodSchema, { io, target: "draft-2020-12" }) as JsonSchema & {
        $defs?: Record<string, JsonSchema>;
      };
      for (const [id, definition] of Object.entries($defs ?? {})) add(id, toComponentRefs(definition) as JsonSchema);
      return toComponentRefs(root) as JsonSchema;
    },
    components: () => components,
  };
}

/** zod points `$ref`s at its local `$defs`; in the document they live under `components.schemas`. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) =>
      key === "$ref" && typeof child === "string" && child.startsWith("#/$defs/")
        ? [key, `#/components/schemas/${child.slice("#/$defs/".length)}`]
        : [key, toComponentRefs(child)],
    ),
  );
}
