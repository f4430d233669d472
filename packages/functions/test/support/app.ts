import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { readFileSync } from "node:fs";
import { createClient } from "@users/client";
import { createDynamoUserStore, createUserUseCases } from "@users/core/users";
import { createApp } from "../../src/api/app";
import { createTestTable } from "../../../core/test/support/table";

const fixture = JSON.parse(
  readFileSync(new URL("../../../../../shared/fixtures/aws-events/apigw-http-jwt-authorizer-auth.json", import.meta.url), "utf8"),
) as APIGatewayProxyEventV2WithJWTAuthorizer;

export const allScopes = ["users:read", "users:write", "likes:write"];

/** The Lambda bindings `handle(app)` would pass: a real-shaped event whose authorizer verified `sub` and `scopes`. */
export function authorizedEnv(sub = "tester", scopes: string[] | null = allScopes) {
  const event = structuredClone(fixture);
  event.requestContext.requestId = crypto.randomUUID();
  event.requestContext.authorizer.jwt = {
    claims: { sub, iss: "http://127.0.0.1:3001", aud: "users-api-local", scope: (scopes ?? []).join(" ") },
    scopes: scopes as string[],
  };
  return { event };
}

/** The app over a fresh DynamoDB Local table, and typed clients that call it in-process. */
export async function createTestApp() {
  const table = await createTestTable("api");
  const app = createApp({ users: createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) }) });
  const clientWith = (env: object | undefined) =>
    createClient({ baseUrl: "http://api.test", fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input, init, env)) as typeof fetch });
  return { app, table, client: clientWith(authorizedEnv()), clientWith };
}
