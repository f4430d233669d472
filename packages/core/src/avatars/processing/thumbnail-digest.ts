import { createHash } from "node:crypto";
import { ThumbnailSizes } from "../../users/schema";
import type { Thumbnails } from "../schema";

/**
 * 128 bits of SHA-256 over the three thumbnails (each length-prefixed, so no two sets collide by
 * shifting bytes between sizes), base64url: the content part of the thumbnails' keys.
 */
export function thumbnailDigest(thumbnails: Thumbnails): string {
  const hash = createHash("sha256");
  for (const size of ThumbnailSizes) {
    const bytes = thumbnails[size];
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.byteLength);
    hash.update(length).update(bytes);
  }
  return hash.digest().subarray(0, 16).toString("base64url");
}
