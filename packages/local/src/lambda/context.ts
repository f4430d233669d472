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

/**
 * A fresh invocation's context data, with Lambda's names for its log group and stream. The parts
 * that do not change between invocations are made once per function and day (the HTTP front asks
 * for a context per request): on Lambda, too, one execution environment writes to one log stream.
 */
export function createContextData(fn: FunctionIdentity, now = Date.now(), awsRequestId = ids.uuid()): ContextData {
  let fixed = fixedParts.get(fn);
  if (!fixed || now >= fixed.until || now < fixed.until - dayMs) {
    const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, "/");
    fixed = {
      until: Math.floor(now / dayMs) * dayMs + dayMs,
      invokedFunctionArn: arn.function(fn.physicalName),
      memoryLimitInMB: String(fn.memoryMb),
      logGroupName: `/aws/lambda/${fn.physicalName}`,
      logStreamName: `${day}/[$LATEST]${ids.hex(16)}`,
    };
    fixedParts.set(fn, fixed);
  }
  return {
    awsRequestId,
    functionName: fn.physicalName,
    functionVersion: "$LATEST",
    invokedFunctionArn: fixed.invokedFunctionArn,
    memoryLimitInMB: fixed.memoryLimitInMB,
    logGroupName: fixed.logGroupName,
    logStreamName: fixed.logStreamName,
    deadlineMs: now + fn.timeoutSeconds * 1000,
  };
}

const dayMs = 86_400_000;
const fixedParts = new WeakMap<FunctionIdentity, { until: number; invokedFunctionArn: string; memoryLimitInMB: string; logGroupName: string; logStreamName: string }>();

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
