import { UserId } from "./schema";
import { invalidInput } from "../errors";

/**
 * Cursors are opaque to clients: today the last id of the page, base64url-encoded. Decoding checks
 * the shape, so a forged or truncated cursor is a 400, never a DynamoDB error.
 */
export const encodeCursor = (lastId: string) => Buffer.from(lastId, "utf8").toString("base64url");

export function decodeCursor(cursor: string): string {
  const id = UserId.safeParse(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!id.success) throw invalidInput("cursor is not one this API returned");
  return id.data;
}
