import type { IamRequest } from "./policy";

type Body = Record<string, unknown>;

/**
 * The IAM requests one DynamoDB call makes, from its `X-Amz-Target` and JSON body. An operation is
 * authorized as `dynamodb:<Operation>` on the table it names (`/index/<IndexName>` for a Query or
 * Scan of an index); the batch operations on each table they touch; a transaction item by item as
 * the underlying single-item operation (Put → PutItem, Update → UpdateItem, Delete → DeleteItem,
 * ConditionCheck → ConditionCheckItem, Get → GetItem), as AWS documents:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export function dynamodbRequests(operation: string, body: Body, tableArn: (table: string) => string): IamRequest[] {
  const on = (action: string, table: unknown, suffix = ""): IamRequest => ({
    action: `dynamodb:${action}`,
    resource: typeof table === "string" ? tableArn(table) + suffix : "*",
  });
  switch (operation) {
    case "Query":
    case "Scan":
      return [on(operation, body.TableName, typeof body.IndexName === "string" ? `/index/${body.IndexName}` : "")];
    case "BatchGetItem":
    case "BatchWriteItem":
      return Object.keys(isObject(body.RequestItems) ? body.RequestItems : {}).map((table) => on(operation, table));
    case "TransactWriteItems":
    case "TransactGetItems": {
      const items = Array.isArray(body.TransactItems) ? (body.TransactItems as unknown[]) : [];
      return items.flatMap((item) => {
        if (!isObject(item)) return [];
        const [kind, detail] = Object.entries(item)[0] ?? [];
        const action = transactionActions[kind ?? ""];
        return action && isObject(detail) ? [on(action, detail.TableName)] : [];
      });
    }
    case "ListTables":
      return [on(operation, undefined)];
    default:
      return [on(operation, body.TableName)];
  }
}

const transactionActions: Record<string, string> = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "ConditionCheckItem",
  Get: "GetItem",
};

const isObject = (value: unknown): value is Body => typeof value === "object" && value !== null && !Array.isArray(value);
