import type { JsonSchema } from "../openapi-schema";

/** Reads the document's JSON Schemas as a person would describe them: types, limits, fields. */

type Schema = JsonSchema & {
  $ref?: string;
  type?: string | string[];
  format?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  not?: Schema;
  description?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
};

/** A name from `#/components/schemas/<name>`, or undefined for an inline schema. */
export const refName = (schema: JsonSchema): string | undefined => {
  const ref = (schema as Schema).$ref;
  return ref?.startsWith("#/components/schemas/") ? ref.slice("#/components/schemas/".length) : undefined;
};

/** One-line type: `string (email)`, `"64" | "128"`, `User[]`, `object | null`. Names of components stay names. */
export function typeLabel(schema: JsonSchema): string {
  const s = schema as Schema;
  const name = refName(s);
  if (name) return name;
  if (s.not && Object.keys(s.not).length === 0) return "not allowed";
  if ("const" in s) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((value) => JSON.stringify(value)).join(" | ");
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeLabel).join(" | ");
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return "any";
  return types
    .map((type) => {
      if (type === "array") return `${s.items ? typeLabel(s.items) : "any"}[]`;
      if (type === "object" && typeof s.additionalProperties === "object" && !s.properties) return `map of ${typeLabel(s.additionalProperties)}`;
      if (type === "string" && s.format) return `string (${s.format})`;
      return type;
    })
    .join(" | ");
}

/** Limits worth a reader's attention; the pattern of a named format (an email's regex) is noise. */
export function constraints(schema: JsonSchema): string[] {
  const s = schema as Schema;
  const notes: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) notes.push(`${range(s.minLength, s.maxLength)} characters`);
  const maximum = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (s.minimum !== undefined || maximum !== undefined) notes.push(range(s.minimum, maximum));
  if (s.pattern && !s.format) notes.push(`matches \`${s.pattern}\``);
  if (s.default !== undefined) notes.push(`default \`${JSON.stringify(s.default)}\``);
  return notes;
}

const range = (min: number | undefined, max: number | undefined) =>
  min !== undefined && max !== undefined ? `${min}–${max}` : min !== undefined ? `≥ ${min}` : `≤ ${max}`;

export interface FieldRow {
  /** Dotted for nested fields: `upload.url`. */
  name: string;
  type: string;
  required: boolean;
  notes: string[];
}

/**
 * The fields of an object schema, following `$ref`s and descending into inline objects (also the
 * non-null side of `object | null`), so a reader sees `avatar.thumbnails.64` without clicking.
 */
export function fieldRows(schema: JsonSchema, schemas: Record<string, JsonSchema>, prefix = "", depth = 0): FieldRow[] {
  const object = objectOf(resolve(schema, schemas), schemas);
  if (!object?.properties || depth > 3) return [];
  return Object.entries(object.properties).flatMap(([key, child]) => {
    const name = prefix + key;
    const row: FieldRow = {
      name,
      type: typeLabel(child),
      required: (object.required ?? []).includes(key),
      notes: [...(child.description ? [child.description] : []), ...constraints(child)],
    };
    // Named schemas get their own section; inline ones are spelled out here.
    const nested = refName(child) ? [] : fieldRows(child, schemas, `${name}.`, depth + 1);
    return [row, ...nested];
  });
}

function resolve(schema: JsonSchema, schemas: Record<string, JsonSchema>): Schema {
  const name = refName(schema);
  return (name ? (schemas[name] ?? {}) : schema) as Schema;
}

/** The object inside `T | null`, or the schema itself when it is one. */
function objectOf(schema: Schema, schemas: Record<string, JsonSchema>): Schema | undefined {
  if (schema.properties) return schema;
  const branches = (schema.anyOf ?? schema.oneOf ?? []).filter((branch) => branch.type !== "null");
  if (branches.length === 1 && branches[0] && !refName(branches[0])) return objectOf(resolve(branches[0], schemas), schemas);
  return undefined;
}
