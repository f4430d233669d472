import { accessDenied, refusal, type S3Refusal } from "./presigned-errors";

/**
 * POST policies as S3 reads them: a base64 JSON document with an `expiration` and `conditions`,
 * each condition an exact match, a prefix match or a content-length range over the form's fields.
 * Field names match case-insensitively, values case-sensitively.
 */

type Condition =
  | { kind: "match"; operator: "eq" | "starts-with"; field: string; value: string; rendered: string }
  | { kind: "range"; min: number; max: number; rendered: string }
  /** A condition S3 parses but no request can meet (a missing `$`, a non-numeric bound…). */
  | { kind: "unsatisfiable"; rendered: string };

export interface PostPolicy {
  expiration: Date;
  conditions: Condition[];
}

export interface PolicyInput {
  /** The bucket the request is addressed to; a `bucket` condition is checked against it. */
  bucket: string;
  /** The form fields before the file, in order, names as sent. */
  fields: ReadonlyArray<{ name: string; value: string }>;
  fileSize: number;
  now: Date;
}

const invalidPolicy = (message: string) => refusal(400, "InvalidPolicyDocument", `Invalid Policy: ${message}`);
const conditionFailed = (condition: Condition) => accessDenied(`Invalid according to Policy: Policy Condition failed: ${condition.rendered}`);

/** S3 echoes a failed condition as a JSON array with ", " between its elements. */
const render = (elements: unknown[]) => `[${elements.map((element) => JSON.stringify(element)).join(", ")}]`;

const ISO_EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function decodePolicy(encoded: string): PostPolicy | S3Refusal {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return invalidPolicy("invalid Base64 encoding.");
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    return invalidPolicy("Invalid JSON.");
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) return invalidPolicy("Invalid JSON.");
  const { expiration, conditions, ...unexpected } = document as Record<string, unknown>;
  const extra = Object.keys(unexpected)[0];
  if (extra !== undefined) return invalidPolicy(`Unexpected: '${extra.toLowerCase()}'`);
  if (expiration === undefined) return invalidPolicy("Policy missing expiration.");
  if (typeof expiration !== "string" || !ISO_EXPIRATION.test(expiration) || Number.isNaN(Date.parse(expiration))) {
    return invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  }
  if (conditions === undefined) return invalidPolicy("Policy missing conditions.");
  if (!Array.isArray(conditions)) return invalidPolicy("Invalid 'conditions' value: must be a List.");
  const parsed: Condition[] = [];
  for (const raw of conditions) {
    const condition = parseCondition(raw);
    if ("status" in condition) return condition;
    parsed.push(condition);
  }
  return { expiration: new Date(expiration), conditions: parsed };
}

function parseCondition(raw: unknown): Condition | S3Refusal {
  if (Array.isArray(raw)) {
    const rendered = render(raw);
    if (raw.length === 0 || typeof raw[0] !== "string") return invalidPolicy("Invalid Condition: missing operation identifier.");
    const operator = raw[0].toLowerCase();
    if (operator !== "eq" && operator !== "starts-with" && operator !== "content-length-range") {
      return invalidPolicy(`Invalid Condition: unknown operation '${raw[0]}'.`);
    }
    if (raw.length !== 3) return invalidPolicy(`Invalid ${raw[0]}: wrong number of arguments.`);
    if (operator === "content-length-range") {
      const [min, max] = [bound(raw[1]), bound(raw[2])];
      return min === null || max === null ? { kind: "unsatisfiable", rendered } : { kind: "range", min, max, rendered };
    }
    const [field, value] = [raw[1], raw[2]];
    if (typeof field !== "string" || typeof value !== "string" || !field.startsWith("$")) return { kind: "unsatisfiable", rendered };
    return { kind: "match", operator, field: field.slice(1).toLowerCase(), value, rendered };
  }
  if (typeof raw === "object" && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) return invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    const [[field, value]] = entries as [[string, unknown]];
    if (typeof value !== "string") return invalidPolicy("Invalid Simple-Condition: value must be a string.");
    // S3 treats {"field": "value"} as ["eq", "$field", "value"] and reports it that way.
    return { kind: "match", operator: "eq", field: field.toLowerCase(), value, rendered: render(["eq", `$${field}`, value]) };
  }
  return invalidPolicy("Invalid condition test: must be a List or Object.");
}

/** Range bounds: JSON integers, or strings of digits (S3 accepts both). */
function bound(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return null;
}

/**
 * Checks a request against a decoded policy in S3's order: expiration, then every condition in
 * policy order, then that no form field is left uncovered by a condition.
 */
export function evaluatePolicy(policy: PostPolicy, input: PolicyInput): S3Refusal | null {
  if (input.now.getTime() > policy.expiration.getTime()) return accessDenied("Invalid according to Policy: Policy expired.");

  const values = new Map<string, string>();
  for (const { name, value } of input.fields) {
    const lower = name.toLowerCase();
    // Repeated fields are matched as one comma-separated value, as S3 documents.
    values.set(lower, values.has(lower) ? `${values.get(lower)},${value}` : value);
  }
  // The object lands in the bucket the request is addressed to, whatever a form field says.
  values.set("bucket", input.bucket);

  const covered = new Set<string>();
  for (const condition of policy.conditions) {
    if (condition.kind === "unsatisfiable") return conditionFailed(condition);
    if (condition.kind === "range") {
      if (input.fileSize < condition.min) {
        return refusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size");
      }
      if (input.fileSize > condition.max) {
        return refusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
      }
      continue;
    }
    covered.add(condition.field);
    const actual = values.get(condition.field);
    if (actual === undefined || !matches(condition, actual)) return conditionFailed(condition);
  }

  const extra = input.fields.find(({ name }) => !covered.has(name.toLowerCase()) && !isExempt(name.toLowerCase()));
  if (extra) return accessDenied(`Invalid according to Policy: Extra input fields: ${extra.name}`);
  return null;
}

function matches(condition: Extract<Condition, { kind: "match" }>, actual: string): boolean {
  if (condition.operator === "eq") return actual === condition.value;
  // A Content-Type prefix applies to every type of a comma-separated list.
  if (condition.field === "content-type") return actual.split(",").every((type) => type.trim().startsWith(condition.value));
  return actual.startsWith(condition.value);
}

/** Fields no condition needs to name: the signature, the policy itself, the file, and x-ignore-*. */
const isExempt = (lower: string) => lower === "policy" || lower === "x-amz-signature" || lower === "file" || lower.startsWith("x-ignore-");
