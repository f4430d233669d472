import type { Iam } from "./authorizer";
import { accessKeyIdOf } from "./authorizer";
import { deniedMessage, dynamoDbError, sqsError } from "./denials";
import { dynamodbRequests } from "./dynamodb-requests";
import type { Gate } from "./enforcing-proxy";
import { sqsRequest } from "./sqs-requests";

const invalidToken = "The security token included in the request is invalid.";

/**
 * DynamoDB calls of a function, checked against its role; the runtime's admin key passes; any
 * other key is unknown to this "account", as DynamoDB answers for a key that does not exist.
 */
export function dynamodbGate(iam: Iam, tableArn: (table: string) => string): Gate {
  return (head, body) => {
    const keyId = accessKeyIdOf(head.headers.authorization);
    const identity = iam.functionOf(keyId);
    if (!identity) {
      if (keyId !== undefined && keyId === iam.admin.accessKeyId) return null;
      return dynamoDbError("UnrecognizedClientException", invalidToken);
    }
    const target = head.headers["x-amz-target"] ?? "";
    const operation = target.slice(target.indexOf(".") + 1);
    const refused = iam.authorize(identity, `dynamodb ${operation}`, dynamodbRequests(operation, parseJson(body), tableArn));
    return refused ? dynamoDbError("AccessDeniedException", deniedMessage(identity.principal, refused)) : null;
  };
}

/** SQS calls of a function, in either protocol local-aws-sqs speaks: JSON (SDK v3) and query. */
export function sqsGate(iam: Iam, queueArn: (name: string) => string): Gate {
  return (head, body) => {
    const json = (head.headers["content-type"] ?? "").startsWith("application/x-amz-json");
    const keyId = accessKeyIdOf(head.headers.authorization);
    const identity = iam.functionOf(keyId);
    if (!identity) {
      if (keyId !== undefined && keyId === iam.admin.accessKeyId) return null;
      return sqsError(json, "InvalidClientTokenId", invalidToken);
    }
    let operation: string;
    let input: { QueueUrl?: unknown; QueueName?: unknown };
    if (json) {
      const target = head.headers["x-amz-target"] ?? "";
      operation = target.slice(target.indexOf(".") + 1);
      input = parseJson(body);
    } else {
      const form = new URLSearchParams(body.toString("utf8"));
      operation = form.get("Action") ?? "";
      const path = head.url.split("?")[0] ?? "/";
      input = { QueueUrl: form.get("QueueUrl") ?? (path.split("/").filter(Boolean).length === 2 ? path : undefined), QueueName: form.get("QueueName") ?? undefined };
    }
    const refused = iam.authorize(identity, `sqs ${operation}`, [sqsRequest(operation, input, queueArn)]);
    return refused ? sqsError(json, "AccessDenied", deniedMessage(identity.principal, refused)) : null;
  };
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
