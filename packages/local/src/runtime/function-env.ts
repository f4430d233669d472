import { manifest } from "../../../../infra/manifest";
import type { AwsCredentials } from "../aws";
import { appName, localStage } from "../names";
import type { FunctionKey, ServiceName } from "./options";

type Link = (typeof manifest.functions)[FunctionKey]["links"][number];

export interface FunctionEnvInput {
  endpoints: Record<ServiceName, string>;
  credentials: AwsCredentials;
  region: string;
  resources: { tableName: string; bucketName: string; queueUrl: string; cdnUrl: string };
  /** The developer's environment: passed on without its AWS_* and SST_* variables. */
  inherited: NodeJS.ProcessEnv;
  extra?: Record<string, string>;
}

/**
 * A function's environment as Lambda and SST's links give it: `SST_RESOURCE_*` for `Resource.X`
 * (sst/resource), the Lambda runtime's own variables, and the SDK's endpoint, region and credential
 * variables, so `new DynamoDBClient({})` in deployable code reaches the local servers unchanged.
 */
export function functionEnv(key: FunctionKey, physicalName: string, input: FunctionEnvInput): Record<string, string> {
  const spec = manifest.functions[key];
  const inherited = Object.entries(input.inherited).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !/^(AWS_|SST_)/.test(entry[0]),
  );
  const links: Record<Link, unknown> = {
    Users: { name: input.resources.tableName, type: "sst.aws.Dynamo" },
    Avatars: { name: input.resources.bucketName, type: "sst.aws.Bucket" },
    Likes: { url: input.resources.queueUrl, type: "sst.aws.Queue" },
    Cdn: { url: input.resources.cdnUrl, type: "sst.aws.Router" },
  };
  return {
    ...Object.fromEntries(inherited),
    SST_RESOURCE_App: JSON.stringify({ name: appName, stage: localStage }),
    ...Object.fromEntries(spec.links.map((link) => [`SST_RESOURCE_${link}`, JSON.stringify(links[link])])),
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    ...(input.credentials.sessionToken ? { AWS_SESSION_TOKEN: input.credentials.sessionToken } : {}),
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: input.endpoints.s3,
    AWS_ENDPOINT_URL_SQS: input.endpoints.sqs,
    // s3rver stores aws-chunked bodies with their framing unless checksums are sent only when required.
    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    AWS_LAMBDA_FUNCTION_NAME: physicalName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${physicalName}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${manifest.runtime.nodejs}`,
    _HANDLER: spec.handler,
    // Functions run on Lambda's Node 22; the SDK's notice about this machine's Node 20 is noise in their logs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...input.extra,
  };
}
