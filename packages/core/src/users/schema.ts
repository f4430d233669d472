import * as z from "zod";

/** The single source of the users API's request and response types. */

export const UserId = z.ulid().meta({ description: "Server-made, URL-safe, sortable by creation time" });
export const Username = z
  .string()
  .min(3)
  .max(30)
  .regex(/^[a-z0-9_]+$/, { error: "use only lowercase letters, digits and _" });

const Name = z.string().trim().min(1).max(100);
const Email = z.email();
const Age = z.int().min(18).max(150);

export const ThumbnailSizes = ["64", "128", "256"] as const;
export const ThumbnailSize = z.enum(ThumbnailSizes);
export type ThumbnailSize = z.infer<typeof ThumbnailSize>;

export const Avatar = z.object({
  thumbnails: z.object({ "64": z.string(), "128": z.string(), "256": z.string() }),
  updatedAt: z.iso.datetime(),
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
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
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
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserPage = z.object({ items: z.array(User), nextCursor: z.string().nullable() }).meta({ id: "UserPage" });
export type UserPage = z.infer<typeof UserPage>;
