import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAvatarUseCases,
  createDynamoAvatarRecords,
  parseUploadKey,
  type AvatarRecords,
  type AvatarUploadGrant,
} from "../src/avatars";
import { createS3AvatarBlobStore, s3ClientConfig } from "../src/avatars/s3";
import { createUploadProcessor, makeThumbnails, UnusableImageError } from "../src/avatars/processing";
import { manifest } from "../../../infra/manifest";
import { createDynamoUserStore, createUserUseCases } from "../src/users";
import { localCredentials, localRegion } from "../../local/src/names";
import { createAvatarsBucket } from "../../local/src/resources/bucket";
import { startThumbnailCdn, type ThumbnailCdn } from "../../local/src/s3/cdn";
import { startS3Front, type S3Front } from "../../local/src/s3/front";
import { startS3rver, type S3rverServer } from "../../local/src/servers/s3rver";
import { createTestTable } from "./support/table";

/**
 * The avatar pieces of core against real servers: DynamoDB Local, s3rver behind the offline S3
 * front (which checks presigned POSTs as S3 does), and the offline CDN in front of the thumbnails.
 */

const red = { r: 220, g: 20, b: 20 };
const blue = { r: 20, g: 20, b: 220 };

/** A two-colour image: left half red, right half blue, so rotation and cropping are visible. */
async function twoColour(width: number, height: number, format: "jpeg" | "png", orientation?: number) {
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: blue } }).png().toBuffer();
  let image = sharp({ create: { width, height, channels: 3, background: red } }).composite([{ input: half, left: width / 2, top: 0 }]);
  if (orientation) image = image.withMetadata({ orientation });
  return format === "jpeg" ? image.jpeg().toBuffer() : image.png().toBuffer();
}

/** The colour of one pixel, rounded to the nearest of red and blue. */
async function colourAt(image: Uint8Array, x: number, y: number) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return data[i]! > data[i + 2]! ? "red" : "blue";
}

/** A PNG whose header claims 100 megapixels: 300 KB on disk, 400 MB decoded. */
const bomb = () => sharp(Buffer.alloc(10_000 * 10_000), { raw: { width: 10_000, height: 10_000, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();

describe("makeThumbnails", () => {
  it("makes 64, 128 and 256 px square WebPs of a JPEG and a PNG", async () => {
    for (const original of [await twoColour(800, 600, "jpeg"), await twoColour(300, 500, "png")]) {
      const thumbnails = await makeThumbnails(original);
      for (const size of ["64", "128", "256"] as const) {
        const meta = await sharp(thumbnails[size]).metadata();
        expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: "webp", width: Number(size), height: Number(size) });
      }
    }
  });

  it("applies the EXIF orientation before cropping", async () => {
    // Stored 400×200 red|blue, displayed rotated 90° clockwise: red on top, blue below.
    const thumbnails = await makeThumbnails(await twoColour(400, 200, "jpeg", 6));
    expect(await colourAt(thumbnails["256"], 128, 10)).toBe("red");
    expect(await colourAt(thumbnails["256"], 128, 245)).toBe("blue");
  });

  it("refuses what is not a usable JPEG, PNG or WebP", async () => {
    const jpeg = await twoColour(800, 600, "jpeg");
    const png = await twoColour(800, 600, "png");
    const poison = {
      "not an image": Buffer.from("this is not an image"),
      "a truncated JPEG": jpeg.subarray(0, jpeg.length / 2),
      "a truncated PNG": png.subarray(0, png.length / 2),
      "too many pixels": await bomb(),
      empty: Buffer.alloc(0),
      "an SVG": Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
    };
    for (const [what, bytes] of Object.entries(poison)) {
      await expect(makeThumbnails(bytes), what).rejects.toBeInstanceOf(UnusableImageError);
    }
  });
});

describe("avatars over DynamoDB Local and the offline S3", () => {
  let s3rver: S3rverServer;
  let front: S3Front;
  let cdn: ThumbnailCdn;
  let s3: S3Client;
  const bucketName = "avatars-core-test";
  let users: ReturnType<typeof createUserUseCases>;
  let records: AvatarRecords;
  let avatars: ReturnType<typeof createAvatarUseCases>;
  let blobs: ReturnType<typeof createS3AvatarBlobStore>;
  let processUpload: ReturnType<typeof createUploadProcessor>;

  beforeAll(async () => {
    s3rver = await startS3rver({});
    front = await startS3Front({ port: 0, upstream: `http://127.0.0.1:${s3rver.port}`, credentials: localCredentials });
    s3 = new S3Client({ ...s3ClientConfig({ customEndpoint: front.endpoint }), endpoint: front.endpoint, region: localRegion, credentials: localCredentials });
    await createAvatarsBucket(s3, bucketName);
    cdn = await startThumbnailCdn({ port: 0, s3, bucketName });
    const table = await createTestTable("avatars");
    records = createDynamoAvatarRecords({ client: table.documents, tableName: table.tableName });
    blobs = createS3AvatarBlobStore({ client: s3, bucketName });
    avatars = createAvatarUseCases({ records, blobs, thumbnailBaseUrl: cdn.url });
    const store = createDynamoUserStore({ client: table.documents, tableName: table.tableName, thumbnailBaseUrl: cdn.url });
    users = createUserUseCases({ store, onRemoved: (user) => avatars.removeObjects(user.id) });
    processUpload = createUploadProcessor({ records, blobs });
  });
  afterAll(async () => {
    s3?.destroy();
    await cdn?.stop();
    await front?.stop();
    await s3rver?.stop();
  });

  let n = 0;
  const newUser = () => users.create({ username: `avatar_${Date.now()}_${n++}`, name: "Ada", email: "ada@example.com", age: 36 });

  /** What a browser does with a grant: every field, then the file, as multipart/form-data. */
  async function upload(grant: AvatarUploadGrant, body: Uint8Array, type: string) {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.upload.fields)) form.append(name, value);
    form.append("file", new Blob([new Uint8Array(body)], { type }), "avatar");
    return fetch(grant.upload.url, { method: "POST", body: form });
  }
  const keyOf = (grant: AvatarUploadGrant) => grant.upload.fields.key!;

  const objectKeys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix }))).Contents ?? []).map((object) => object.Key);
  /** What a browser's <img> does: GET the user's thumbnail URL, no token. */
  const thumbnail = async (userId: string, size: "64" | "128" | "256") => {
    const url = (await users.get(userId)).avatar?.thumbnails[size];
    const response = await fetch(url ?? "no avatar");
    expect(response.status).toBe(200);
    return new Uint8Array(await response.arrayBuffer());
  };

  it("grants a presigned POST for a server-chosen key, and 404 for an unknown user", async () => {
    const user = await newUser();
    const grant = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: 1234 });
    expect(grant.upload).toMatchObject({ url: `${front.endpoint}/${bucketName}`, method: "POST" });
    expect(parseUploadKey(keyOf(grant))).toMatchObject({ userId: user.id });
    expect(grant.upload.fields["Content-Type"]).toBe("image/png");
    const policy = JSON.parse(Buffer.from(grant.upload.fields.Policy!, "base64").toString()) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(expect.arrayContaining([["content-length-range", 1, 1234], { key: keyOf(grant) }, { bucket: bucketName }]));
    expect(Date.parse(policy.expiration) - Date.parse(grant.expiresAt)).toBeLessThan(2000);
    await expect(avatars.requestUpload("01J9ZQ4X8K3M5N7P9R1T3V5X7Z", { contentType: "image/png", contentLength: 1 })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("lets browsers POST forms from the console's origins only (the bucket's CORS, not *)", async () => {
    const preflight = (origin: string) =>
      fetch(`${front.endpoint}/${bucketName}`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const allowed = await preflight(manifest.web.localOrigins[0]);
    expect(allowed.status).toBe(200);
    // S3 echoes the origin here; s3rver answers a matched preflight with `*` (a browser accepts both).
    expect(["*", manifest.web.localOrigins[0]]).toContain(allowed.headers.get("access-control-allow-origin"));
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    const other = await preflight("https://elsewhere.example");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("turns an uploaded JPEG into thumbnails and the user's avatar", async () => {
    const user = await newUser();
    const jpeg = await twoColour(640, 480, "jpeg");
    const grant = await avatars.requestUpload(user.id, { contentType: "image/jpeg", contentLength: jpeg.length });
    expect((await upload(grant, jpeg, "image/jpeg")).status).toBe(204);

    expect(await processUpload(keyOf(grant))).toMatchObject({ outcome: "updated", userId: user.id });
    for (const size of ["64", "128", "256"] as const) {
      expect(await sharp(await thumbnail(user.id, size)).metadata()).toMatchObject({ format: "webp", width: Number(size), height: Number(size) });
    }
    const updated = await users.get(user.id);
    const uploadId = parseUploadKey(keyOf(grant))?.uploadId;
    // Public, content-addressed URLs: the CDN's base, then the key (user, upload, digest of the bytes, size).
    const folder = new RegExp(`^${cdn.url}/thumbnails/${user.id}/${uploadId}-[\\w-]{22}/`);
    for (const size of ["64", "128", "256"] as const) expect(updated.avatar?.thumbnails[size]).toMatch(new RegExp(`${folder.source}${size}\\.webp$`));
    expect(updated.version).toBe(user.version + 1);
    // The current original stays (thumbnails can be remade from it); nothing else is left over.
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([keyOf(grant)]);
    const thumbnailKeys = await objectKeys(`thumbnails/${user.id}/`);
    expect(thumbnailKeys).toHaveLength(3);

    // A redelivered notification changes nothing: same bytes, same keys, same user.
    expect(await processUpload(keyOf(grant))).toMatchObject({ outcome: "updated" });
    expect((await users.get(user.id)).version).toBe(updated.version);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toEqual(thumbnailKeys);
  });

  it("serves thumbnails publicly through the CDN, immutable; never originals, never a listing", async () => {
    const user = await newUser();
    await expect(avatars.thumbnailUrl(user.id, "128")).rejects.toMatchObject({ kind: "not_found" });
    const png = await twoColour(200, 200, "png");
    const grant = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: png.length });
    await upload(grant, png, "image/png");
    await processUpload(keyOf(grant));

    const url = await avatars.thumbnailUrl(user.id, "128");
    expect(url).toBe((await users.get(user.id)).avatar?.thumbnails["128"]);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await sharp(new Uint8Array(await response.arrayBuffer())).metadata()).toMatchObject({ format: "webp", width: 128, height: 128 });
    const again = await fetch(url, { headers: { "if-none-match": response.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);

    // Only the thumbnail prefix is behind the CDN, and only for reading.
    for (const path of [`/${keyOf(grant)}`, `/thumbnails/${user.id}/`, `/thumbnails/${user.id}/nope/128.webp`, "/", `/thumbnails/../${keyOf(grant)}`]) {
      const denied = await fetch(`${cdn.url}${path}`);
      expect(denied.status, path).toBe(403);
      expect(await denied.text(), path).toContain("<Code>AccessDenied</Code>");
    }
    expect((await fetch(url, { method: "DELETE" })).status).toBe(403);
    expect((await fetch(url)).status).toBe(200);
  });

  it("rejects each poison file without touching the user and deletes it", async () => {
    const user = await newUser();
    const jpeg = await twoColour(400, 400, "jpeg");
    const poison: Record<string, [Uint8Array, string]> = {
      "not an image": [Buffer.from("GIF89a? no, just text"), "image/png"],
      truncated: [jpeg.subarray(0, jpeg.length / 2), "image/jpeg"],
      "too many pixels": [await bomb(), "image/png"],
    };
    for (const [what, [bytes, type]] of Object.entries(poison)) {
      const grant = await avatars.requestUpload(user.id, { contentType: type as "image/png", contentLength: bytes.length });
      expect((await upload(grant, bytes, type)).status, what).toBe(204);
      expect(await processUpload(keyOf(grant)), what).toMatchObject({ outcome: "rejected" });
    }
    // Empty objects cannot come through a grant (S3 refuses them); another writer could still make one.
    const emptyKey = `uploads/${user.id}/01J9ZQ4X8K3M5N7P9R1T3V5X80`;
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: emptyKey, Body: new Uint8Array() }));
    expect(await processUpload(emptyKey)).toMatchObject({ outcome: "rejected", reason: "the file is empty" });
    // Larger than any grant allows: refused without being downloaded.
    const hugeKey = `uploads/${user.id}/01J9ZQ4X8K3M5N7P9R1T3V5X81`;
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: hugeKey, Body: new Uint8Array(6 * 1024 * 1024) }));
    expect(await processUpload(hugeKey)).toMatchObject({ outcome: "rejected" });

    expect(await users.get(user.id)).toEqual(user);
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toEqual([]);
  });

  it("ignores keys that are not avatar uploads", async () => {
    expect(await processUpload("uploads/not-a-ulid/whatever")).toMatchObject({ outcome: "ignored" });
    expect(await processUpload("thumbnails/01J9ZQ4X8K3M5N7P9R1T3V5X7Z/64.webp")).toMatchObject({ outcome: "ignored" });
  });

  it("never lets an older upload replace a newer one", async () => {
    const user = await newUser();
    const older = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: 5_000_000 });
    const newer = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: 5_000_000 });
    const redImage = await sharp({ create: { width: 300, height: 300, channels: 3, background: red } }).png().toBuffer();
    const blueImage = await sharp({ create: { width: 300, height: 300, channels: 3, background: blue } }).png().toBuffer();
    await upload(older, redImage, "image/png");
    await upload(newer, blueImage, "image/png");

    expect(await processUpload(keyOf(newer))).toMatchObject({ outcome: "updated" });
    const afterNewer = await users.get(user.id);
    expect(await processUpload(keyOf(older))).toMatchObject({ outcome: "superseded" });
    expect(await users.get(user.id)).toEqual(afterNewer);
    expect(await colourAt(await thumbnail(user.id, "128"), 64, 64)).toBe("blue");
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([keyOf(newer)]);
    const newerId = parseUploadKey(keyOf(newer))?.uploadId ?? "";
    expect((await objectKeys(`thumbnails/${user.id}/`)).every((key) => key?.includes(`/${newerId}-`))).toBe(true);
  });

  it("an older upload finishing last cannot touch the newer one's thumbnails: they never share a key", async () => {
    const user = await newUser();
    const older = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: 5_000_000 });
    const newer = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: 5_000_000 });
    await upload(older, await sharp({ create: { width: 300, height: 300, channels: 3, background: red } }).png().toBuffer(), "image/png");
    await upload(newer, await sharp({ create: { width: 300, height: 300, channels: 3, background: blue } }).png().toBuffer(), "image/png");

    // The older upload has downloaded its original before the newer one is processed, then
    // finishes last: it writes its thumbnails under its own keys, its conditional update fails, and it
    // removes what it wrote.
    let release!: () => void;
    const newerDone = new Promise<void>((resolve) => (release = resolve));
    const slowBlobs: typeof blobs = {
      ...blobs,
      async getUpload(key, maxBytes) {
        const original = await blobs.getUpload(key, maxBytes);
        if (key === keyOf(older)) await newerDone;
        return original;
      },
    };
    const slowOlder = createUploadProcessor({ records, blobs: slowBlobs })(keyOf(older));
    expect(await processUpload(keyOf(newer))).toMatchObject({ outcome: "updated" });
    release();
    expect(await slowOlder).toMatchObject({ outcome: "superseded" });

    const newerId = parseUploadKey(keyOf(newer))?.uploadId;
    expect((await records.find(user.id))?.avatar?.uploadId).toBe(newerId);
    for (const size of ["64", "128", "256"] as const) expect(await colourAt(await thumbnail(user.id, size), 10, 10), size).toBe("blue");
    const keys = await objectKeys(`thumbnails/${user.id}/`);
    expect(keys).toHaveLength(3);
    expect(keys.every((key) => key?.includes(`/${newerId}-`))).toBe(true);
  });

  it("removes every avatar object when the user is deleted, and cleans up uploads that arrive later", async () => {
    const user = await newUser();
    const png = await twoColour(200, 200, "png");
    const first = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: png.length });
    const late = await avatars.requestUpload(user.id, { contentType: "image/png", contentLength: png.length });
    await upload(first, png, "image/png");
    await processUpload(keyOf(first));
    expect(await objectKeys(`thumbnails/${user.id}/`)).toHaveLength(3);

    await users.remove(user.id);
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toEqual([]);

    await upload(late, png, "image/png");
    expect(await processUpload(keyOf(late))).toMatchObject({ outcome: "user_gone" });
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toEqual([]);
  });
});
