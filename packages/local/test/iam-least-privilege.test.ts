import { DeleteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createMemoryLogger, localCredentials, localRegion, start } from "../src/index";
import type { FunctionKey, RecordedCommand, Runtime } from "../src/index";

/**
 * Least privilege, measured: the real functions run offline under their own roles (IAM enforced by
 * the runtime), every route, a like batch and an avatar upload are driven through them, and what
 * each function sent is compared with its permissions in infra/manifest.ts. A command outside the
 * permissions was refused (and fails here); a permission no command used fails here too.
 */

let runtime: Runtime;
const logger = createMemoryLogger();
const keys: FunctionKey[] = ["api", "likes", "uploads"];

beforeAll(async () => {
  runtime = await start({
    inMemory: true,
    ports: "free",
    logger,
    // The test run's DynamoDB Local: a JVM of its own would only add start-up time.
    endpoints: { dynamodb: inject("dynamoEndpoint") },
    queueVisibilityTimeoutSeconds: 2,
    asyncRetryDelaysMs: [100, 100],
  });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const invocationsOf = (functionName: string) => logger.invocations.filter((entry) => entry.functionName === functionName);

/**
 * Every route of the API; a like batch through the queue; avatar uploads: a first one, one that
 * supersedes it, one that is not an image, and one that lands after the user's record is gone (the
 * subscriber then removes the user's uploads and thumbnails, as it does when an upload races a delete).
 */
async function driveEverything() {
  const token = await runtime.issuer!.sign({ sub: "iam-tester", scope: "users:read users:write likes:write" });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method,
      redirect: "manual",
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text.startsWith("{") ? JSON.parse(text) : null) as Record<string, unknown> | null };
  };
  const createUser = async (username: string) => {
    const created = await call("POST", "/users", { username, name: "Ada", email: "ada@example.com", age: 36 });
    expect(created.status).toBe(201);
    return { id: String(created.body!.id), etag: created.headers.get("etag") ?? "" };
  };
  const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
  let uploads = 0;
  const grant = async (id: string, bytes: Buffer) => {
    const granted = await call("POST", `/users/${id}/avatar`, { contentType: "image/png", contentLength: bytes.length });
    expect(granted.status).toBe(201);
    return granted.body!.upload as { url: string; fields: Record<string, string> };
  };
  const post = async (upload: { url: string; fields: Record<string, string> }, bytes: Buffer) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "avatar.png");
    expect((await fetch(upload.url, { method: "POST", body: form })).status).toBeLessThan(300);
    uploads += 1;
    const expected = uploads;
    await waitFor("the upload subscriber", () => (invocationsOf("UploadsSubscriber").length >= expected ? true : undefined));
  };

  const tag = Date.now().toString(36);
  const ada = await createUser(`iam_${tag}`);
  const bob = await createUser(`iam_${tag}_b`);
  expect((await call("GET", `/users/${ada.id}`)).status).toBe(200);
  expect((await call("GET", "/users?limit=5")).status).toBe(200);
  expect((await call("GET", `/users/by-username/iam_${tag}`)).status).toBe(200);
  expect((await call("PATCH", `/users/${ada.id}`, { name: "Ada L." }, { "if-match": ada.etag })).status).toBe(200);

  await post(await grant(ada.id, image), image);
  await post(await grant(ada.id, image), image);
  const notAnImage = Buffer.from("not an image at all");
  await post(await grant(ada.id, notAnImage), notAnImage);
  const thumbnail = await call("GET", `/users/${ada.id}/avatar/64`);
  expect(thumbnail.status).toBe(302);
  expect((await fetch(thumbnail.headers.get("location")!)).status).toBe(200);

  expect((await call("POST", `/users/${ada.id}/likes`)).status).toBe(202);
  await waitFor("the likes subscriber", () => (invocationsOf("LikesSubscriber").some((entry) => entry.outcome === "ok") ? true : undefined));

  await post(await grant(bob.id, image), image);
  const late = await grant(bob.id, image);
  const admin = new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials });
  await admin.send(new DeleteItemCommand({ TableName: runtime.resources.tableName, Key: { pk: { S: `USER#${bob.id}` }, sk: { S: "PROFILE" } } }));
  admin.destroy();
  await post(late, image);

  expect((await call("DELETE", `/users/${ada.id}`)).status).toBe(204);
}

const describeCommand = (row: RecordedCommand) => `${row.operation} → ${row.action} on ${row.resource}`;

describe("IAM offline: what each function sends, against its permissions", () => {
  it("every command is allowed, and every permission is used", async () => {
    await driveEverything();
    const commands = runtime.iam!.commands();
    const grants = runtime.iam!.grants();
    const report = keys.map((key) => ({
      function: key,
      sent: commands[key].map(describeCommand).sort(),
      refused: commands[key].filter((row) => !row.allowed).map(describeCommand),
      unused: grants[key].filter((grant) => !grant.used).map((grant) => `${grant.action} on ${grant.resource}`),
    }));
    if (process.env.IAM_REPORT) console.log(JSON.stringify(report, null, 2));
    for (const row of report) {
      expect({ function: row.function, refused: row.refused }).toEqual({ function: row.function, refused: [] });
      expect({ function: row.function, unused: row.unused }).toEqual({ function: row.function, unused: [] });
    }
    expect(logger.invocations.filter((entry) => entry.outcome === "error")).toEqual([]);
  }, 120_000);
});
