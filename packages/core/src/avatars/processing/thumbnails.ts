import sharp from "sharp";
import { ThumbnailSizes, type ThumbnailSize } from "../../users/schema";
import type { Thumbnails } from "../schema";

/**
 * 40 megapixels: a 24 MP camera photo passes; a small file that claims a huge canvas (a
 * decompression bomb) is refused from its header, before any pixel is decoded. Decoded RGBA at the
 * limit is 160 MB, well inside the subscriber's memory.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

/** The formats the upload grant allows; sharp can read more (SVG, TIFF, HEIF…), which we refuse. */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp"]);

/** The file can never become thumbnails: retrying cannot help. */
export class UnusableImageError extends Error {
  override readonly name = "UnusableImageError";
}

const largest = Math.max(...ThumbnailSizes.map(Number));

/**
 * Makes the 64/128/256 px square WebP thumbnails of an uploaded image. Pure: bytes in, bytes out.
 * Decodes once: EXIF orientation applied, cropped to the centre square at the largest size (JPEG
 * shrink-on-load keeps that cheap), and the smaller sizes are made from that square.
 */
export async function makeThumbnails(original: Uint8Array, { maxInputPixels = MAX_INPUT_PIXELS } = {}): Promise<Thumbnails> {
  if (original.byteLength === 0) throw new UnusableImageError("the file is empty");
  const format = await readFormat(original);
  if (!format || !ACCEPTED_FORMATS.has(format)) throw new UnusableImageError(`${format ?? "unknown"} images are not accepted`);
  try {
    const square = await sharp(original, { limitInputPixels: maxInputPixels, failOn: "error" })
      .rotate()
      .resize(largest, largest, { fit: "cover" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = square.info;
    const encode = (size: ThumbnailSize) => sharp(square.data, { raw: { width, height, channels } }).resize(Number(size), Number(size)).webp().toBuffer();
    const [small, medium, large] = await Promise.all([encode("64"), encode("128"), encode("256")]);
    return { "64": small, "128": medium, "256": large };
  } catch (error) {
    // sharp reads only the bytes it was given, so any failure here is the file's, and permanent.
    throw new UnusableImageError(`the image cannot be decoded: ${(error as Error).message}`, { cause: error });
  }
}

async function readFormat(original: Uint8Array): Promise<string | undefined> {
  try {
    return (await sharp(original).metadata()).format;
  } catch (error) {
    throw new UnusableImageError(`not an image: ${(error as Error).message}`, { cause: error });
  }
}
