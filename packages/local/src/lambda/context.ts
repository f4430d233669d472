import type { Context } from "aws-lambda";
import { ids } from "../events/ids";
import { arn } from "../names";

/** The serialisable part of a Lambda context: what crosses into the function's worker. */
export interface ContextData {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** Epoch milliseconds at which Lambda would stop the invocation. */
  deadlineMs: number;
}

export interface FunctionIdentity {
  physicalName: string;
  memoryMb: number;
  timeoutSeconds: number;
}

/** A fresh invocation's context data, with Lambda's names for its log group and stream. */
export function createContextData(fn: FunctionIdentity, now = Date.now(), awsRequestId = ids.uuid()): ContextData {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, "/");
  return {
    awsRequestId,
    functionName: fn.physicalName,
    functionVersion: "$LATEST",
    invokedFunctionArn: arn.function(fn.physicalName),
    memoryLimitInMB: String(fn.memoryMb),
    logGroupName: `/aws/lambda/${fn.physicalName}`,
    logStreamName: `${day}/[$LATEST]${ids.hex(16)}`,
    deadlineMs: now + fn.timeoutSeconds * 1000,
  };
}

/** The context object a handler receives; `getRemainingTimeInMillis` counts down to the deadline. */
export function lambdaContext(data: ContextData): Context {
  const unsupported = () => {
    throw new Error("context.done/fail/succeed are not supported: return or throw from an async handler");
  };
  const { deadlineMs, ...fields } = data;
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Recovers the data from a context made elsewhere (the HTTP front makes one per request). */
export function contextDataOf(context: Context): ContextData {
  return {
    awsRequestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    deadlineMs: Date.now() + context.getRemainingTimeInMillis(),
  };
}
