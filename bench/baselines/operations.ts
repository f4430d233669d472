/**
 * The SPEC's routes as plain functions over the AWS SDK, with no framework, no zod and no domain
 * layer: what a careful engineer writes by hand. Shared by the raw handler and the Express handler,
 * so the two baselines differ only in their HTTP layer.
 *
 * Same table layout and the same DynamoDB calls as packages/core (ConsistentRead GetItem for a user,
 * a two-put TransactWriteItems for a create), so the DynamoDB work per request is identical to the API's.
 * What it skips, on purpose: field-by-field validation errors (one message instead), unknown-key
 * rejection, trimming, ETag/If-Match, problem+json, and Powertools logging.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ulid } from "ulid";

export interface Reply {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const resource = (name: string) => JSON.parse(process.env[`SST_RESOURCE_${name}`] ?? "{}") as { name?: string; url?: string };
const tableName = resource("Users").name ?? "";
const bucketName = resource("Avatars").name ?? "";
const queueUrl = resource("Likes").url ?? "";

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client({});
const sqs = new SQSClient({});

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const USERNAME = /^[a-z0-9_]{3,30}$/;
const SIZES = ["64", "128", "256"];
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];

const userKey = (id: string) => ({ pk: `USER#${id}`, sk: "PROFILE" });
const claimKey = (username: string) => ({ pk: `USERNAME#${username}`, sk: "CLAIM" });

const bad = (message: string): Reply => ({ statusCode: 400, body: { message } });
const notFound: Reply = { statusCode: 404, body: { message: "not found" } };

export const isUserId = (id: string) => ULID.test(id);

function toPublic(item: Record<string, unknown>) {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, avatar, likes, ...user } = item;
  const stored = avatar as { updatedAt: string } | null | undefined;
  return {
    ...user,
    likes: likes ?? 0,
    avatar: stored ? { thumbnails: Object.fromEntries(SIZES.map((size) => [size, `/users/${String(item.id)}/avatar/${size}`])), updatedAt: stored.updatedAt } : null,
  };
}

const readUser = async (id: string) => (await documents.send(new GetCommand({ TableName: tableName, Key: userKey(id), ConsistentRead: true }))).Item;

export const health = async (): Promise<Reply> => ({ statusCode: 200, body: { status: "ok" } });

export async function getUser(id: string): Promise<Reply> {
  if (!isUserId(id)) return bad("id must be a ULID");
  const item = await readUser(id);
  return item ? { statusCode: 200, body: toPublic(item) } : notFound;
}

export async function getUserByUsername(username: string): Promise<Reply> {
  if (!USERNAME.test(username)) return bad("invalid username");
  const claim = (await documents.send(new GetCommand({ TableName: tableName, Key: claimKey(username), ConsistentRead: true }))).Item;
  const item = claim ? await readUser(String(claim.userId)) : undefined;
  return item ? { statusCode: 200, body: toPublic(item) } : notFound;
}

function checkProfile(body: Record<string, unknown>, partial: boolean): string | undefined {
  const { name, email, age } = body;
  if ((!partial || name !== undefined) && (typeof name !== "string" || name.length < 1 || name.length > 100)) return "name must be 1-100 characters";
  if ((!partial || email !== undefined) && (typeof email !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) return "email is invalid";
  if ((!partial || age !== undefined) && (typeof age !== "number" || !Number.isInteger(age) || age < 18 || age > 150)) return "age must be an integer 18-150";
  return undefined;
}

export async function createUser(body: unknown): Promise<Reply> {
  if (!body || typeof body !== "object") return bad("body must be a JSON object");
  const input = body as Record<string, unknown>;
  if (typeof input.username !== "string" || !USERNAME.test(input.username)) return bad("invalid username");
  const problem = checkProfile(input, false);
  if (problem) return bad(problem);
  const now = new Date().toISOString();
  const id = ulid();
  const user = { id, username: input.username, name: input.name, email: input.email, age: input.age, likes: 0, createdAt: now, updatedAt: now, version: 1 };
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { ...claimKey(user.username), userId: id }, ConditionExpression: "attribute_not_exists(pk)" } },
          { Put: { TableName: tableName, Item: { ...userKey(id), gsi1pk: "USERS", gsi1sk: id, ...user }, ConditionExpression: "attribute_not_exists(pk)" } },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) return { statusCode: 409, body: { message: "username is taken" } };
    throw error;
  }
  return { statusCode: 201, body: { ...user, avatar: null }, headers: { location: `/users/${id}` } };
}

export async function listUsers(query: Record<string, string | undefined>): Promise<Reply> {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return bad("limit must be 1-100");
  const after = query.cursor ? Buffer.from(query.cursor, "base64url").toString("utf8") : undefined;
  if (after !== undefined && !isUserId(after)) return bad("invalid cursor");
  const page = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: "byCreatedAt",
      KeyConditionExpression: "gsi1pk = :users",
      ExpressionAttributeValues: { ":users": "USERS" },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: after ? { ...userKey(after), gsi1pk: "USERS", gsi1sk: after } : undefined,
    }),
  );
  const last = page.LastEvaluatedKey ? Buffer.from(String(page.LastEvaluatedKey.gsi1sk)).toString("base64url") : null;
  return { statusCode: 200, body: { items: (page.Items ?? []).map(toPublic), nextCursor: last } };
}

export async function patchUser(id: string, body: unknown): Promise<Reply> {
  if (!isUserId(id)) return bad("id must be a ULID");
  if (!body || typeof body !== "object") return bad("body must be a JSON object");
  const changes = Object.entries(body as Record<string, unknown>).filter(([field]) => ["name", "email", "age"].includes(field));
  if (changes.length === 0) return bad("send at least one of name, email, age");
  const problem = checkProfile(body as Record<string, unknown>, true);
  if (problem) return bad(problem);
  const names: Record<string, string> = { "#updatedAt": "updatedAt", "#version": "version" };
  const values: Record<string, unknown> = { ":now": new Date().toISOString(), ":one": 1 };
  for (const [field, value] of changes) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
  }
  try {
    const result = await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userKey(id),
        UpdateExpression: `SET #updatedAt = :now, ${changes.map(([field]) => `#${field} = :${field}`).join(", ")} ADD #version :one`,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    );
    return { statusCode: 200, body: toPublic(result.Attributes ?? {}) };
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return notFound;
    throw error;
  }
}

export async function deleteUser(id: string): Promise<Reply> {
  if (!isUserId(id)) return bad("id must be a ULID");
  const item = await readUser(id);
  if (!item) return notFound;
  await documents.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName, Key: userKey(id) } },
        { Delete: { TableName: tableName, Key: claimKey(String(item.username)) } },
      ],
    }),
  );
  const rest = await documents.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": userKey(id).pk }, ProjectionExpression: "pk, sk" }),
  );
  for (let i = 0; i < (rest.Items ?? []).length; i += 25) {
    const keys = (rest.Items ?? []).slice(i, i + 25);
    await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: keys.map((Key) => ({ DeleteRequest: { Key } })) } }));
  }
  return { statusCode: 204 };
}

export async function likeUser(id: string, likerId: string): Promise<Reply> {
  if (!isUserId(id)) return bad("id must be a ULID");
  if (!(await readUser(id))) return notFound;
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ userId: id, likerId, likedAt: new Date().toISOString() }) }));
  return { statusCode: 202, body: { status: "accepted" } };
}

export async function grantAvatarUpload(id: string, body: unknown): Promise<Reply> {
  if (!isUserId(id)) return bad("id must be a ULID");
  const { contentType, contentLength } = (body ?? {}) as Record<string, unknown>;
  if (typeof contentType !== "string" || !IMAGE_TYPES.includes(contentType)) return bad("contentType must be image/jpeg, image/png or image/webp");
  if (typeof contentLength !== "number" || !Number.isInteger(contentLength) || contentLength < 1 || contentLength > 5 * 1024 * 1024) {
    return bad("contentLength must be 1 byte to 5 MiB");
  }
  if (!(await readUser(id))) return notFound;
  const expiresIn = 300;
  const upload = await createPresignedPost(s3, {
    Bucket: bucketName,
    Key: `uploads/${id}/${randomUUID()}`,
    Conditions: [["content-length-range", 1, contentLength], ["eq", "$Content-Type", contentType]],
    Fields: { "Content-Type": contentType },
    Expires: expiresIn,
  });
  return {
    statusCode: 201,
    body: { upload: { url: upload.url, method: "POST", fields: upload.fields }, expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() },
  };
}

export async function avatarRedirect(id: string, size: string): Promise<Reply> {
  if (!isUserId(id) || !SIZES.includes(size)) return notFound;
  const item = await readUser(id);
  if (!item?.avatar) return notFound;
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucketName, Key: `thumbnails/${id}/${size}.webp` }), { expiresIn: 60 });
  return { statusCode: 302, headers: { location: url } };
}
