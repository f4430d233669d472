import type { AwsCredentials } from "../aws";
import { arn, localAccountId, type ResourceNames } from "../names";
import type { FunctionKey } from "../runtime/options";
import { createIam, type Iam } from "./authorizer";
import { startEnforcingProxy } from "./enforcing-proxy";
import { dynamodbGate, sqsGate } from "./gates";
import { functionIdentities } from "./identities";
import type { Permission } from "./policy";

export interface IamOptions {
  /** Replace functions' permissions (by default the manifest's): a role missing an action, in tests. */
  permissions?: Partial<Record<FunctionKey, readonly Permission[]>>;
}

/** Each function's identity and policy for this stage, and the admin key the runtime itself uses. */
export function createRuntimeIam(names: ResourceNames, region: string, admin: AwsCredentials, options: IamOptions = {}): Iam {
  return createIam(functionIdentities(names, region, options.permissions), admin);
}

export interface FunctionProxies {
  /** What the functions' SDKs are pointed at instead of the emulators. */
  endpoints: { dynamodb: string; sqs: string };
  stop(): Promise<void>;
}

/**
 * The enforcing layer in front of DynamoDB and SQS (S3's is in the S3 front): functions reach the
 * emulators only through it; the runtime, tests and tools keep talking to the emulators directly.
 */
export async function startFunctionProxies(iam: Iam, upstream: { dynamodb: string; sqs: string }, region: string): Promise<FunctionProxies> {
  const tableArn = (table: string) => `arn:aws:dynamodb:${region}:${localAccountId}:table/${table}`;
  const dynamodb = await startEnforcingProxy({ upstream: upstream.dynamodb, gate: dynamodbGate(iam, tableArn), label: "DynamoDB (IAM layer)" });
  try {
    const sqs = await startEnforcingProxy({ upstream: upstream.sqs, gate: sqsGate(iam, (name) => arn.queue(name, region)), label: "SQS (IAM layer)" });
    return {
      endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint },
      stop: async () => {
        await Promise.all([dynamodb.stop(), sqs.stop()]);
      },
    };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

/** A queue URL as a function sees it: the same queue, reached through the layer. */
export function throughProxy(queueUrl: string, endpoint: string): string {
  return new URL(new URL(queueUrl).pathname, endpoint).toString();
}

/** For reports and docs: each function's key id and principal. */
export function describeIdentities(iam: Iam, names: ResourceNames): string[] {
  return (Object.keys(iam.identities) as FunctionKey[]).map(
    (key) => `${names.functions[key]}: ${iam.identities[key].credentials.accessKeyId} as ${iam.identities[key].principal}`,
  );
}
