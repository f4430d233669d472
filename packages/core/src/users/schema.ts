import * as z from "zod";

/** The single source of the users API's request and response types. */

export const UserId = z.ulid().length(26).meta({ description: "Server-made, URL-safe, sortable by creation time" });
export const Username = z
  .string()
  .min(3)
  .max(30)
  .regex(/^[a-z0-9_]+$/, { error: "use only lowercase letters, digits and _" });

/**
 * Every string has an upper bound (SPEC §3), so a user item stays far below DynamoDB's 400 KB item
 * limit by construction: `test/users-item-size.test.ts` computes the worst case from these bounds.
 */
export const MAX_NAME_LENGTH = 100;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_CURSOR_LENGTH = 200;
/** A timestamp as `toISOString()` writes it is 24 characters; this leaves room for other precisions. */
const MAX_TIMESTAMP_LENGTH = 40;

/** A lone UTF-16 surrogate has no UTF-8 form: DynamoDB (and any JSON consumer) would reject or mangle it. */
const wellFormed = (value: string) => !/\p{Cs}/u.test(value);

const Name = z
  .string()
  .trim()
  .min(1)
  .max(MAX_NAME_LENGTH)
  .refine(wellFormed, { error: "the name has an unpaired UTF-16 surrogate" });
const Email = z.email().max(MAX_EMAIL_LENGTH);
const Timestamp = z.iso.datetime().max(MAX_TIMESTAMP_LENGTH);
const Age = z.int().min(18).max(150);

export const ThumbnailSizes = ["64", "128", "256"] as const;
export const ThumbnailSize = z.enum(ThumbnailSizes);
export type ThumbnailSize = z.infer<typeof ThumbnailSize>;

export const Avatar = z.object({
  // Room for a presigned URL with a session token in it, should the links ever become direct ones.
  thumbnails: z.object({ "64": z.string().max(4096), "128": z.string().max(4096), "256": z.string().max(4096) }),
  updatedAt: Timestamp,
});

export const User = z
  .object({
    id: UserId,
    username: Username,
    name: Name,
    email: Email,
    age: Age,
    likes: z.int().min(0),
    avatar: Avatar.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z.int().min(1),
  })
  .meta({ id: "User" });
export type User = z.infer<typeof User>;

export const CreateUserInput = z.strictObject({ username: Username, name: Name, email: Email, age: Age }).meta({ id: "CreateUserInput" });
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const PatchUserInput = z
  .strictObject({
    name: Name.optional(),
    email: Email.optional(),
    age: Age.optional(),
    // Named so the error says why rather than "unrecognized key".
    username: z.never({ error: "username cannot be changed" }).optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { error: "send at least one of name, email, age" })
  .meta({ id: "PatchUserInput" });
export type PatchUserInput = z.infer<typeof PatchUserInput>;

export const ListUsersQuery = z.object({
  // The query string is text, but the typed client may pass a number: both are coerced.
  limit: z.coerce.number<number | string>().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserPage = z.object({ items: z.array(User), nextCursor: z.string().max(MAX_CURSOR_LENGTH).nullable() }).meta({ id: "UserPage" });
export type UserPage = z.infer<typeof UserPage>;
