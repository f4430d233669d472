import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { UserItem } from "../users/item";
import { userKey } from "../users/keys";
import type { AvatarRecords, StoredAvatar } from "./records";

export interface DynamoAvatarRecordsOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** The avatar of a user, kept on the user's profile item in the users table. */
export function createDynamoAvatarRecords({ client, tableName }: DynamoAvatarRecordsOptions): AvatarRecords {
  return {
    async find(userId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: userKey(userId), ConsistentRead: true, ProjectionExpression: "pk, avatar" }),
      );
      if (!Item) return null;
      return { avatar: storedAvatar((Item as Partial<UserItem>).avatar) };
    },

    async set(userId, avatar) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(userId),
            // A new avatar is a change of the user: it gets a new version, as a PATCH would.
            UpdateExpression: "SET #avatar = :avatar, #updatedAt = :now ADD #version :one",
            // Upload ids are ULIDs: `<` orders them by the time their grants were made.
            ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#avatar.#uploadId) OR #avatar.#uploadId < :uploadId)",
            ExpressionAttributeNames: { "#avatar": "avatar", "#uploadId": "uploadId", "#updatedAt": "updatedAt", "#version": "version" },
            ExpressionAttributeValues: { ":avatar": avatar, ":now": avatar.updatedAt, ":uploadId": avatar.uploadId, ":one": 1 },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return "set";
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (!error.Item) return "no_user";
        // The document client leaves this exception's item in DynamoDB's wire format; accept both.
        const avatarAttribute = error.Item.avatar as { M?: { uploadId?: { S?: string } }; uploadId?: string } | undefined;
        const stored = avatarAttribute?.M?.uploadId?.S ?? avatarAttribute?.uploadId;
        return stored === avatar.uploadId ? "already_set" : "newer_exists";
      }
    },
  };
}

/** An avatar stored before thumbnails were content-addressed has no digest, hence no public URL: treated as none. */
export function storedAvatar(avatar: Partial<StoredAvatar> | null | undefined): StoredAvatar | null {
  if (!avatar?.uploadId || !avatar.digest || !avatar.updatedAt) return null;
  return { uploadId: avatar.uploadId, digest: avatar.digest, updatedAt: avatar.updatedAt };
}
