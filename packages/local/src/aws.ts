import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { localRegion } from "./names";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The runtime's own SDK clients (creating resources, polling the queue), pointed at one endpoint each. */
export function createClients(endpoints: { dynamodb: string; s3: string; sqs: string }, credentials: AwsCredentials, region = localRegion) {
  const common = { region, credentials };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    // s3rver answers path-style only, and stores aws-chunked bodies with their framing unless the
    // client sends checksums only when an operation requires them.
    s3: new S3Client({
      ...common,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
  };
}

export type AwsClients = ReturnType<typeof createClients>;

export function destroyClients(clients: AwsClients): void {
  clients.dynamodb.destroy();
  clients.s3.destroy();
  clients.sqs.destroy();
}
