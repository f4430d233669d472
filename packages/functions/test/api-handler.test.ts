import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestTable } from "../../core/test/support/table";
import { authorizedEnv, linkApiEnvironment } from "./support/app";

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

const context = { awsRequestId: "req-1", functionName: "Api", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** A full API Gateway v2 event, as the gateway sends it after its JWT authorizer. */
function event(method: string, path: string, body?: unknown, query = ""): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { event: base } = authorizedEnv("handler-test");
  return {
    ...base,
    routeKey: "$default",
    rawPath: path,
    rawQueryString: query,
    headers: { ...base.headers, "content-type": "application/json", "content-length": String(body ? JSON.stringify(body).length : 0) },
    requestContext: { ...base.requestContext, routeKey: "$default", http: { ...base.requestContext.http, method, path } },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

beforeAll(async () => {
  const table = await createTestTable("handler");
  linkApiEnvironment(table.tableName);
  ({ handler } = (await import("../src/api/handler")) as unknown as { handler: Handler });
});

describe("the exported Lambda handler", () => {
  it("creates and reads a user from API Gateway v2 events", async () => {
    const created = await handler(event("POST", "/users", { username: "lambda", name: "Lambda", email: "l@example.com", age: 30 }), context);
    expect(created.statusCode).toBe(201);
    const user = JSON.parse(created.body ?? "{}") as { id: string };
    expect(created.headers?.location).toBe(`/users/${user.id}`);

    const read = await handler(event("GET", `/users/${user.id}`), context);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? "{}")).toMatchObject({ id: user.id, username: "lambda" });
  });

  it("uses API Gateway's request id in the problem body and header", async () => {
    const request = event("GET", "/users", undefined, "limit=500");
    const response = await handler(request, context);
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["x-request-id"]).toBe(request.requestContext.requestId);
    expect(JSON.parse(response.body ?? "{}").requestId).toBe(request.requestContext.requestId);
  });
});
