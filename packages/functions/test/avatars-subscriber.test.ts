import { Logger } from "@aws-lambda-powertools/logger";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoAvatarRecords, uploadKey } from "@users/core/avatars";
import { createS3AvatarBlobStore, s3ClientConfig } from "@users/core/avatars/s3";
import { createUploadProcessor } from "@users/core/avatars/processing";
import { createDynamoUserStore, createUserUseCases, type UserUseCases } from "@users/core/users";
import { s3Event, s3Record } from "../../local/src/events/s3";
import { localCredentials, localRegion } from "../../local/src/names";
import { freePort } from "../../local/src/ports";
import { createAvatarsBucket } from "../../local/src/resources/bucket";
import { startS3Front, type S3Front } from "../../local/src/s3/front";
import { startS3rver, type S3rverServer } from "../../local/src/servers/s3rver";
import { createTestTable } from "../../core/test/support/table";
import { createUploadsSubscriber, decodeObjectKey } from "../src/uploads/subscriber";

/** The upload subscriber's handling of whole S3 events, over DynamoDB Local and s3rver. */

const bucketName = "avatars-subscriber-test";
let s3rver: S3rverServer;
let front: S3Front;
let s3: S3Client;
let users: UserUseCases;
let subscriber: ReturnType<typeof createUploadsSubscriber>;
let table: Awaited<ReturnType<typeof createTestTable>>;
const logger = new Logger({ serviceName: "uploads-subscriber-test" });

beforeAll(async () => {
  s3rver = await startS3rver({});
  front = await startS3Front({ port: 0, upstream: `http://127.0.0.1:${s3rver.port}`, credentials: localCredentials });
  s3 = new S3Client({ ...s3ClientConfig({ customEndpoint: front.endpoint }), endpoint: front.endpoint, region: localRegion, credentials: localCredentials });
  await createAvatarsBucket(s3, bucketName);
  table = await createTestTable("uploads");
  users = createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) });
  const processUpload = createUploadProcessor({
    records: createDynamoAvatarRecords({ client: table.documents, tableName: table.tableName }),
    blobs: createS3AvatarBlobStore({ client: s3, bucketName }),
  });
  subscriber = createUploadsSubscriber({ processUpload, bucketName, logger });
});
afterAll(async () => {
  s3?.destroy();
  await front?.stop();
  await s3rver?.stop();
});

let serial = 0;
const newUser = () => users.create({ username: `uploads_${Date.now() % 1e6}_${serial++}`, name: "Lin", email: "lin@example.com", age: 29 });
const png = () => sharp({ create: { width: 120, height: 80, channels: 3, background: "#3366cc" } }).png().toBuffer();

/** Stores an original as the upload would, and returns the notification record S3 would send for it. */
async function uploaded(userId: string, uploadId: string, body: Uint8Array) {
  const key = uploadKey(userId, uploadId);
  await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: body, ContentType: "image/png" }));
  return s3Record({ bucket: bucketName, key, size: body.length, eTag: "0", eventName: "ObjectCreated:Post" });
}

describe("the upload subscriber", () => {
  it("decodes keys as S3 encodes them: + is a space, %2B a plus", () => {
    expect(decodeObjectKey("uploads/a+b%2Bc%281%29.png")).toBe("uploads/a b+c(1).png");
  });

  it("processes every record of an event and skips, without failing, the ones it cannot use", async () => {
    const [ada, bob] = await Promise.all([newUser(), newUser()]);
    const event = s3Event([
      await uploaded(ada.id, "01J9ZQ4X8K3M5N7P9R1T3V5X7Z", await png()),
      // A key that is no avatar upload, with a space S3 sends as "+".
      s3Record({ bucket: bucketName, key: "uploads/not a user/photo.png", size: 1, eTag: "0" }),
      // A notification for another bucket: not ours to read.
      s3Record({ bucket: "someone-elses-bucket", key: uploadKey(bob.id, "01J9ZQ4X8K3M5N7P9R1T3V5X7Z"), size: 1, eTag: "0" }),
      await uploaded(bob.id, "01J9ZQ4X8K3M5N7P9R1T3V5X80", await png()),
      // A poison file: handled, not thrown.
      await uploaded(bob.id, "01J9ZQ4X8K3M5N7P9R1T3V5X70", Buffer.from("not an image")),
    ]);
    event.Records.push({ eventName: "ObjectCreated:Put" } as never);

    await expect(subscriber(event)).resolves.toBeUndefined();
    expect((await users.get(ada.id)).avatar).not.toBeNull();
    expect((await users.get(bob.id)).avatar).not.toBeNull();
  });

  it("throws when storage is unavailable, so Lambda retries the event", async () => {
    const user = await newUser();
    const record = await uploaded(user.id, "01J9ZQ4X8K3M5N7P9R1T3V5X7Z", await png());
    const nobodyListens = `http://127.0.0.1:${await freePort()}`;
    const unreachable = new S3Client({
      ...s3ClientConfig({ customEndpoint: nobodyListens }),
      endpoint: nobodyListens,
      region: localRegion,
      credentials: localCredentials,
      maxAttempts: 1,
    });
    const broken = createUploadsSubscriber({
      processUpload: createUploadProcessor({
        records: createDynamoAvatarRecords({ client: table.documents, tableName: table.tableName }),
        blobs: createS3AvatarBlobStore({ client: unreachable, bucketName }),
      }),
      bucketName,
      logger,
    });
    await expect(broken(s3Event([record]))).rejects.toBeInstanceOf(AggregateError);
    unreachable.destroy();
    expect(await users.get(user.id)).toEqual(user);

    // The retry, with storage back, succeeds.
    await subscriber(s3Event([record]));
    expect((await users.get(user.id)).avatar).not.toBeNull();
  });
});
