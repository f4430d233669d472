import * as z from "zod";
import { ThumbnailSize, UserId, Username } from "@users/core/users";

/** Path and header schemas of the routes: the routes validate with them, the OpenAPI document shows them. */
export const IdParam = z.object({ id: UserId });
export const UsernameParam = z.object({ username: Username });
export const ThumbnailParam = z.object({ id: UserId, size: ThumbnailSize });

/**
 * Versions stay far below 2^53, so at most 15 digits: a longer one could not be a version this API
 * wrote, and a number past `Number.MAX_SAFE_INTEGER` cannot even reach DynamoDB (the SDK refuses it).
 */
const MAX_VERSION_DIGITS = 15;

/** `If-Match: "<version>"` (weak or strong); absent means "whatever the current version is". */
export const IfMatch = z.object({
  "if-match": z
    .string()
    .max(MAX_VERSION_DIGITS + 4)
    .regex(new RegExp(`^(W/)?"\\d{1,${MAX_VERSION_DIGITS}}"$`), { error: 'If-Match must be a version in quotes, e.g. "3"' })
    .transform((value) => Number(value.replace(/^(W\/)?"|"$/g, "")))
    .optional()
    .meta({ description: 'The version you read, in quotes (the `ETag` of the user): `"3"`. The change is refused with 412 if the user has changed since.' }),
});
