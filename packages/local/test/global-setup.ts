import type { TestProject } from "vitest/node";
import { freePort } from "../src/ports";
import { startDynamoDb } from "../src/servers/dynamodb";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** One DynamoDB Local per test run, in memory, on a free loopback port; always stopped. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDb({ port: await freePort() });
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
