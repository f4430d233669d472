import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * The DynamoDB client every composition root builds once per container. Endpoint, region and
 * credentials come from the SDK's own configuration chain (AWS_ENDPOINT_URL_DYNAMODB offline), so
 * the same code runs on AWS, offline and against LocalStack.
 */
export const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
