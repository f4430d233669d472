import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, unwrap, type UsersClient } from "@users/client";
import type { AvatarUploadGrant } from "@users/core/avatars";
import { createS3AvatarBlobStore, s3ClientConfig } from "@users/core/avatars/s3";
import { createMemoryLogger, localCredentials, localRegion, start, type Runtime } from "../../local/src/index";

/**
 * Avatars end to end through the offline runtime: the real API and upload subscriber functions,
 * s3rver behind the S3 front that checks presigned requests as S3 does, and S3 notifications.
 */

let runtime: Runtime;
let client: UsersClient;
let s3: S3Client;
const logger = createMemoryLogger();

beforeAll(async () => {
  runtime = await start({
    inMemory: true,
    ports: "free",
    logger,
    endpoints: { dynamodb: inject("dynamoEndpoint") },
    asyncRetryDelaysMs: [100, 100],
  });
  const token = await runtime.issuer!.sign({ sub: "avatar-tester", scope: "users:read users:write" });
  client = createClient({ baseUrl: runtime.apiUrl, token });
  s3 = new S3Client({ ...s3ClientConfig({ customEndpoint: runtime.endpoints.s3 }), endpoint: runtime.endpoints.s3, region: localRegion, credentials: localCredentials });
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
});

let serial = 0;
const newUser = () =>
  unwrap(client.users.$post({ json: { username: `avatar_rt_${Date.now() % 1e6}_${serial++}`, name: "Grace", email: "grace@example.com", age: 40 } }));
const getUser = (id: string) => unwrap(client.users[":id"].$get({ param: { id } }));
const requestGrant = (id: string, contentType: "image/jpeg" | "image/png" | "image/webp", contentLength: number) =>
  unwrap(client.users[":id"].avatar.$post({ param: { id }, json: { contentType, contentLength } }));

/** What a browser does with a grant: every field as given (overrides aside), then the file last. */
function postForm(grant: AvatarUploadGrant, file: Uint8Array, type: string, overrides: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...grant.upload.fields, ...overrides })) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(file)], { type }), "avatar");
  return fetch(grant.upload.url, { method: grant.upload.method, body: form });
}

/** S3's XML error as the status and the code. */
const refusalOf = async (response: Response) => ({ status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1] });

/** Resolves once the upload subscriber has finished with the object, with the outcome of its last attempt. */
async function subscriberDone(key: string) {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const done = logger.invocations.filter((entry) => entry.functionName === "UploadsSubscriber" && entry.summary.includes(key));
    if (done.length > 0) return done;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the upload subscriber never ran for ${key}`);
}

const objectKeys = async (prefix: string) =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: runtime.resources.bucketName, Prefix: prefix }))).Contents ?? []).map((object) => object.Key);

/** What <img src> does with the user's thumbnail URL: a plain GET on the CDN, no token. */
async function thumbnailAt(url: string) {
  const image = await fetch(url);
  expect(image.status).toBe(200);
  expect(image.headers.get("cache-control")).toContain("immutable");
  return sharp(new Uint8Array(await image.arrayBuffer())).metadata();
}

/** GET /users/{id}/avatar/{size} redirects to the same public URL. */
async function redirectOf(id: string, size: "64" | "128" | "256") {
  const redirect = await client.users[":id"].avatar[":size"].$get({ param: { id, size } }, { init: { redirect: "manual" } });
  expect(redirect.status).toBe(302);
  return redirect.headers.get("location");
}

const photo = (format: "jpeg" | "png") =>
  sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 30, g: 140, b: 200 } } })
    .composite([{ input: Buffer.from('<svg width="900" height="600"><circle cx="450" cy="300" r="200" fill="orange"/></svg>') }])
    [format]()
    .toBuffer();

describe("avatar uploads through the offline runtime", () => {
  it("turns a JPEG and a PNG uploaded with the grant into 64/128/256 px thumbnails and user.avatar", async () => {
    for (const format of ["jpeg", "png"] as const) {
      const user = await newUser();
      const image = await photo(format);
      const grant = await requestGrant(user.id, `image/${format}`, image.length);
      expect((await postForm(grant, image, `image/${format}`)).status).toBe(204);

      const [invocation] = await subscriberDone(grant.upload.fields.key!);
      expect(invocation?.outcome).toBe("ok");
      const updated = await getUser(user.id);
      const cdn = `http://127.0.0.1:${runtime.ports.cdn}/thumbnails/${user.id}/`;
      expect(updated.avatar).toEqual({
        thumbnails: { "64": expect.stringMatching(`^${cdn}.+/64\\.webp$`), "128": expect.stringMatching(`^${cdn}.+/128\\.webp$`), "256": expect.stringMatching(`^${cdn}.+/256\\.webp$`) },
        updatedAt: expect.any(String),
      });
      for (const size of ["64", "128", "256"] as const) {
        const url = updated.avatar!.thumbnails[size];
        expect(await thumbnailAt(url)).toMatchObject({ format: "webp", width: Number(size), height: Number(size) });
      }
      expect(await redirectOf(user.id, "128")).toBe(updated.avatar!.thumbnails["128"]);
    }
    // Two uploads through the subscriber, end to end: slow on a busy machine, so more than the default 30 s.
  }, 90_000);

  it("answers 404 for the thumbnail of a user without an avatar, and of an unknown user", async () => {
    const user = await newUser();
    expect((await client.users[":id"].avatar[":size"].$get({ param: { id: user.id, size: "128" } }, { init: { redirect: "manual" } })).status).toBe(404);
    const unknown = "01J9ZQ4X8K3M5N7P9R1T3V5X7Z";
    expect((await client.users[":id"].avatar[":size"].$get({ param: { id: unknown, size: "128" } }, { init: { redirect: "manual" } })).status).toBe(404);
    expect((await client.users[":id"].avatar.$post({ param: { id: unknown }, json: { contentType: "image/png", contentLength: 10 } })).status).toBe(404);
  });

  it("refuses grants for other types and sizes with 400", async () => {
    const user = await newUser();
    for (const json of [
      { contentType: "image/gif", contentLength: 10 },
      { contentType: "image/png", contentLength: 5 * 1024 * 1024 + 1 },
      { contentType: "image/png", contentLength: 0 },
    ]) {
      const response = await client.users[":id"].avatar.$post({ param: { id: user.id }, json: json as never });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
  });

  it("has the offline S3 refuse what S3 refuses, with S3's status and code", async () => {
    const user = await newUser();
    const image = await photo("png");
    const grant = await requestGrant(user.id, "image/png", image.length);

    expect(await refusalOf(await postForm(grant, new Uint8Array(image.length + 1), "image/png"))).toEqual({ status: 400, code: "EntityTooLarge" });
    expect(await refusalOf(await postForm(grant, image, "image/jpeg", { "Content-Type": "image/jpeg" }))).toEqual({ status: 403, code: "AccessDenied" });
    expect(await refusalOf(await postForm(grant, image, "image/png", { key: `uploads/${user.id}/01J9ZQ4X8K3M5N7P9R1T3V5X7Z` }))).toEqual({
      status: 403,
      code: "AccessDenied",
    });
    expect(await refusalOf(await postForm(grant, new Uint8Array(), "image/png"))).toEqual({ status: 400, code: "EntityTooSmall" });

    const policy = JSON.parse(Buffer.from(grant.upload.fields.Policy!, "base64").toString()) as { conditions: unknown[] };
    const widened = policy.conditions.map((condition) => (Array.isArray(condition) && condition[0] === "content-length-range" ? [condition[0], 1, 50_000_000] : condition));
    const tampered = Buffer.from(JSON.stringify({ ...policy, conditions: widened })).toString("base64");
    expect(await refusalOf(await postForm(grant, image, "image/png", { Policy: tampered }))).toEqual({ status: 403, code: "SignatureDoesNotMatch" });

    // A grant signed by a server whose clock is ten minutes behind: expired five minutes ago.
    const slowClock = new S3Client({
      ...s3ClientConfig({ customEndpoint: runtime.endpoints.s3 }),
      endpoint: runtime.endpoints.s3,
      region: localRegion,
      credentials: localCredentials,
      systemClockOffset: -10 * 60 * 1000,
    });
    const expired = await createS3AvatarBlobStore({ client: slowClock, bucketName: runtime.resources.bucketName }).presignUpload({
      key: grant.upload.fields.key!,
      contentType: "image/png",
      maxBytes: image.length,
      expiresInSeconds: 300,
    });
    slowClock.destroy();
    const expiredGrant = { upload: { ...expired, method: "POST" as const }, expiresAt: "" };
    const response = await postForm(expiredGrant, image, "image/png");
    const body = await response.text();
    expect({ status: response.status, code: /<Code>([^<]+)/.exec(body)?.[1], message: /<Message>([^<]+)/.exec(body)?.[1] }).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Policy expired.",
    });

    // Nothing was stored, so the user is as it was.
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);
    expect((await getUser(user.id)).avatar).toBeNull();
  });

  it("leaves the user untouched on each poison file and keeps the subscriber healthy", async () => {
    const user = await newUser();
    const jpeg = await photo("jpeg");
    const bomb = await sharp(Buffer.alloc(10_000 * 10_000), { raw: { width: 10_000, height: 10_000, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
    const poison: Array<[string, Uint8Array, "image/png" | "image/jpeg"]> = [
      ["not an image", Buffer.from("definitely not a picture"), "image/png"],
      ["truncated", jpeg.subarray(0, Math.floor(jpeg.length / 2)), "image/jpeg"],
      ["too many pixels", bomb, "image/png"],
    ];
    const keys: string[] = [];
    for (const [what, bytes, type] of poison) {
      const grant = await requestGrant(user.id, type, bytes.length);
      expect((await postForm(grant, bytes, type)).status, what).toBe(204);
      keys.push(grant.upload.fields.key!);
    }
    // Empty: a grant cannot produce one (S3 refuses it), but a direct write can.
    const emptyKey = `uploads/${user.id}/01J9ZQ4X8K3M5N7P9R1T3V5X80`;
    await s3.send(new PutObjectCommand({ Bucket: runtime.resources.bucketName, Key: emptyKey, Body: new Uint8Array() }));
    keys.push(emptyKey);

    for (const key of keys) {
      const invocations = await subscriberDone(key);
      // Handled, not thrown: no retry of an event that can never succeed.
      expect(invocations.map((entry) => entry.outcome), key).toEqual(["ok"]);
    }
    expect(await getUser(user.id)).toEqual(user);
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);

    // The subscriber still works.
    const image = await photo("jpeg");
    const grant = await requestGrant(user.id, "image/jpeg", image.length);
    await postForm(grant, image, "image/jpeg");
    await subscriberDone(grant.upload.fields.key!);
    expect((await getUser(user.id)).avatar).not.toBeNull();
  });

  it("deletes the avatar objects with the user", async () => {
    const user = await newUser();
    const image = await photo("png");
    const grant = await requestGrant(user.id, "image/png", image.length);
    await postForm(grant, image, "image/png");
    await subscriberDone(grant.upload.fields.key!);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toHaveLength(3);

    expect((await client.users[":id"].$delete({ param: { id: user.id } })).status).toBe(204);
    expect(await objectKeys(`uploads/${user.id}/`)).toEqual([]);
    expect(await objectKeys(`thumbnails/${user.id}/`)).toEqual([]);
  });
});
