import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { createClient } from "@users/client";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { inject } from "vitest";
import { s3ClientConfig } from "@users/core/avatars/s3";
import { createApp } from "../../src/api/app";
import { composeApi } from "../../src/api/compose";
import { createTestTable } from "../../../core/test/support/table";
import { fixture } from "../../../../fixtures/aws-events/load";

const authorizerEvent = fixture<APIGatewayProxyEventV2WithJWTAuthorizer>("apigw-http-jwt-authorizer.json");

export const allScopes = ["users:read", "users:write", "likes:write"];

/** The Lambda bindings `handle(app)` would pass: a real-shaped event whose authorizer verified `sub` and `scopes`. */
export function authorizedEnv(sub = "tester", scopes: string[] | null = allScopes) {
  const event = structuredClone(authorizerEvent);
  event.requestContext.requestId = crypto.randomUUID();
  event.requestContext.authorizer.jwt = {
    claims: { sub, iss: "http://127.0.0.1:3001", aud: "users-api-local", scope: (scopes ?? []).join(" ") },
    scopes: scopes as string[],
  };
  return { event };
}

/** The run's offline runtime speaks S3RVER's key to every emulator (alphanumeric, so DynamoDB Local takes it too). */
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * The app composed exactly as the Lambda composes it, over a fresh DynamoDB Local table and the
 * run's S3 and SQS emulators, with typed clients that call it in-process.
 */
export async function createTestApp() {
  const table = await createTestTable("api");
  const clients = {
    documents: table.documents,
    s3: async () => new S3Client({ ...s3ClientConfig({ customEndpoint: inject("s3Endpoint") }), endpoint: inject("s3Endpoint"), region: "us-east-1", credentials }),
    sqs: async () => new SQSClient({ endpoint: inject("sqsEndpoint"), region: "us-east-1", credentials }),
  };
  const app = createApp(composeApi(clients, { tableName: table.tableName, bucketName: inject("bucketName"), likesQueueUrl: inject("queueUrl"), thumbnailBaseUrl: inject("cdnUrl") }));
  const clientWith = (env: object | undefined) =>
    createClient({ baseUrl: "http://api.test", fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input, init, env)) as typeof fetch });
  return { app, table, client: clientWith(authorizedEnv()), clientWith };
}

/**
 * The environment the deployed API function starts with — SST's links and the SDK's endpoint
 * variables — pointed at the run's emulators and the given table, before the handler module loads.
 */
export function linkApiEnvironment(tableName: string): void {
  process.env.SST_RESOURCE_App = JSON.stringify({ name: "users", stage: "test" });
  process.env.SST_RESOURCE_Users = JSON.stringify({ name: tableName, type: "sst.aws.Dynamo" });
  process.env.SST_RESOURCE_Avatars = JSON.stringify({ name: inject("bucketName"), type: "sst.aws.Bucket" });
  process.env.SST_RESOURCE_Likes = JSON.stringify({ url: inject("queueUrl"), type: "sst.aws.Queue" });
  process.env.SST_RESOURCE_Cdn = JSON.stringify({ url: "https://thumbnails.example", type: "sst.aws.Router" });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = inject("dynamoEndpoint");
  process.env.AWS_ENDPOINT_URL_S3 = inject("s3Endpoint");
  process.env.AWS_ENDPOINT_URL_SQS = inject("sqsEndpoint");
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
}
