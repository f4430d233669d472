import type { PatchUserInput } from "@users/core/users/schema";

/** The fields a PATCH may change (username is immutable). */
export const editable = ["name", "email", "age"] as const;
export type EditableField = (typeof editable)[number];
export type Changes = Omit<PatchUserInput, "username">;
