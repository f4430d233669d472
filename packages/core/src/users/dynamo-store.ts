import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { conflict, notFound, preconditionFailed } from "../errors";
import { toUser as itemToUser, type UserItem } from "./item";
import { BY_CREATED_AT_INDEX, byCreatedAtKey, userKey, usernameKey } from "./keys";
import type { UserStore } from "./store";

export interface DynamoUserStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Where avatar thumbnails are public (the CDN); the composition root sets it. Default "": root-relative URLs. */
  thumbnailBaseUrl?: string;
}

export function createDynamoUserStore({ client, tableName, thumbnailBaseUrl = "" }: DynamoUserStoreOptions): UserStore {
  const toUser = (item: Record<string, unknown>) => itemToUser(item, thumbnailBaseUrl);
  const getItem = async (key: { pk: string; sk: string }) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  return {
    async insert(user) {
      const { avatar: _avatar, ...fields } = user;
      const item: UserItem = { ...userKey(user.id), ...byCreatedAtKey(user.id), ...fields };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...usernameKey(user.username), userId: user.id },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              { Put: { TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed") {
          throw conflict(`username "${user.username}" is taken`);
        }
        throw error;
      }
    },

    async get(id) {
      const item = await getItem(userKey(id));
      return item ? toUser(item) : null;
    },

    async getByUsername(username) {
      const claim = await getItem(usernameKey(username));
      if (!claim) return null;
      const item = await getItem(userKey(String(claim.userId)));
      return item ? toUser(item) : null;
    },

    async list({ limit, after }) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_CREATED_AT_INDEX,
          KeyConditionExpression: "gsi1pk = :users",
          ExpressionAttributeValues: { ":users": byCreatedAtKey("").gsi1pk },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after ? { ...userKey(after), ...byCreatedAtKey(after) } : undefined,
        }),
      );
      const items = (result.Items ?? []).map(toUser);
      const last = result.LastEvaluatedKey ? String(result.LastEvaluatedKey.gsi1sk) : null;
      return { items, last };
    },

    async update(id, changes, { now, expectedVersion }) {
      const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
      const names: Record<string, string> = { "#updatedAt": "updatedAt", "#version": "version" };
      const values: Record<string, unknown> = { ":now": now, ":one": 1 };
      const sets = ["#updatedAt = :now"];
      for (const [field, value] of fields) {
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      let condition = "attribute_exists(pk)";
      if (expectedVersion !== undefined) {
        condition += " AND #version = :expected";
        values[":expected"] = expectedVersion;
      }
      try {
        const result = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(id),
            UpdateExpression: `SET ${sets.join(", ")} ADD #version :one`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return toUser(result.Attributes ?? {});
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          if (!error.Item) throw notFound("user");
          throw preconditionFailed(`user ${id} has changed since version ${expectedVersion}`);
        }
        throw error;
      }
    },

    async remove(id) {
      const item = await getItem(userKey(id));
      if (!item) throw notFound("user");
      const user = toUser(item);
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: tableName, Key: userKey(id), ConditionExpression: "attribute_exists(pk)" } },
              {
                Delete: {
                  TableName: tableName,
                  Key: usernameKey(user.username),
                  ConditionExpression: "userId = :id",
                  ExpressionAttributeValues: { ":id": id },
                },
              },
            ],
          }),
        );
      } catch (error) {
        // Someone else deleted it between our read and our write.
        if (error instanceof TransactionCanceledException) throw notFound("user");
        throw error;
      }
      await removePartition(client, tableName, userKey(id).pk);
      return user;
    },
  };
}

/** Deletes what else lives under the user's partition (likes received), 25 items per request. */
async function removePartition(client: DynamoDBDocumentClient, tableName: string, pk: string) {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ProjectionExpression: "pk, sk",
        ExclusiveStartKey: start,
      }),
    );
    const keys = page.Items ?? [];
    for (let i = 0; i < keys.length; i += 25) {
      let requests: Record<string, unknown[]> | undefined = {
        [tableName]: keys.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: key } })),
      };
      // BatchWrite may leave items unprocessed under throttling; retry them until none are left.
      while (requests && Object.keys(requests).length > 0) {
        const result = await client.send(new BatchWriteCommand({ RequestItems: requests as never }));
        requests = result.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
