import * as z from "zod";
import { describe, expect, it } from "vitest";
import { likeKey } from "../src/likes/keys";
import { LikerId } from "../src/likes/schema";
import { byCreatedAtKey, usernameKey } from "../src/users/keys";
import { CreateUserInput, User, UserId, userKey, type UserItem } from "../src/users";

/**
 * A user item stays under DynamoDB's item limit by construction: the worst case is computed from the
 * schemas' own bounds, so loosening a bound (or adding an unbounded field) fails here, not in
 * production with a ValidationException on a 400 KB item.
 */
const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;
const DYNAMODB_MAX_PARTITION_KEY_BYTES = 2048;
const DYNAMODB_MAX_SORT_KEY_BYTES = 1024;
/** Not from a client: the id of one upload, made by the server. Generous on purpose. */
const MAX_UPLOAD_ID_LENGTH = 64;

function maxLengthOf(schema: z.ZodType): number {
  const json = z.toJSONSchema(schema, { io: "input" }) as { maxLength?: number };
  if (json.maxLength === undefined) throw new Error(`unbounded string: ${JSON.stringify(json)}`);
  return json.maxLength;
}

/** The widest string a bound allows: 3 UTF-8 bytes per UTF-16 code unit ("€"); a surrogate pair is only 4 for 2. */
const widest = (schema: z.ZodType) => "€".repeat(maxLengthOf(schema));

/**
 * An item's size as DynamoDB counts it (Developer Guide, "Item sizes and formats"): each attribute's
 * name in UTF-8 plus its value — strings in UTF-8, numbers up to 21 bytes, null and booleans 1 byte,
 * maps and lists 3 bytes plus 1 per element plus their contents.
 */
function sizeOf(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number") return 21;
  if (value === null || typeof value === "boolean") return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + sizeOf(element), 0);
  if (typeof value === "object") return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + sizeOf(element), 0);
  throw new Error(`no size for ${typeof value}`);
}
const itemSize = (item: object) => Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + sizeOf(value), 0);

describe("the worst-case user item", () => {
  const input = CreateUserInput.shape;
  const id = widest(UserId);
  const worst: UserItem = {
    ...userKey(id),
    ...byCreatedAtKey(id),
    id,
    username: widest(input.username),
    name: widest(input.name),
    email: widest(input.email),
    age: Number.MAX_SAFE_INTEGER,
    likes: Number.MAX_SAFE_INTEGER,
    avatar: { updatedAt: widest(User.shape.updatedAt), uploadId: "€".repeat(MAX_UPLOAD_ID_LENGTH) },
    createdAt: widest(User.shape.createdAt),
    updatedAt: widest(User.shape.updatedAt),
    version: Number.MAX_SAFE_INTEGER,
  };

  it("is far under DynamoDB's 400 KB item limit", () => {
    const size = itemSize(worst);
    console.info(`worst-case user item: ${size} bytes (DynamoDB's limit: ${DYNAMODB_MAX_ITEM_BYTES})`);
    expect(size).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    // The real margin: a user is at most a few KB, whatever a client sends.
    expect(size).toBeLessThan(4 * 1024);
  });

  it("has keys within DynamoDB's key limits, the username claim and the like items too", () => {
    const claim = usernameKey(widest(input.username));
    const like = likeKey(id, widest(LikerId));
    for (const key of [userKey(id), claim, like]) {
      expect(Buffer.byteLength(key.pk)).toBeLessThanOrEqual(DYNAMODB_MAX_PARTITION_KEY_BYTES);
      expect(Buffer.byteLength(key.sk)).toBeLessThanOrEqual(DYNAMODB_MAX_SORT_KEY_BYTES);
    }
    expect(Buffer.byteLength(worst.gsi1sk)).toBeLessThanOrEqual(DYNAMODB_MAX_SORT_KEY_BYTES);
  });

  it("counts what a bound allows, not what a typical value uses", () => {
    expect(maxLengthOf(input.email)).toBe(254);
    expect(maxLengthOf(input.name)).toBe(100);
    expect(Buffer.byteLength(worst.name)).toBe(300);
    expect(() => maxLengthOf(z.string())).toThrow(/unbounded/);
  });
});
