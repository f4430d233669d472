/**
 * The offline runtime: the whole system on one machine, the way AWS runs it.
 *
 *   const runtime = await start({ inMemory: true, ports: "free" });
 *   await fetch(`${runtime.apiUrl}/health`);
 *   await runtime.stop();
 */
export { start } from "./runtime/start";
export type { Runtime, RuntimeSettings } from "./runtime/start";
export { endpointSettings, portSettings } from "./runtime/options";
export type { FunctionKey, FunctionOverride, RuntimePorts, ServiceName, StartOptions } from "./runtime/options";
export { StartupError } from "./runtime/steps";
export type { Iam, IamOptions, Permission, RecordedCommand, GrantUse } from "./iam";
export { startHttpFront } from "./http-front";
export type { ApiHandler, HttpFront, HttpFrontOptions } from "./http-front";
export { createConsoleLogger, createMemoryLogger } from "./log";
export type { Logger } from "./log";
export { localCredentials, localRegion, resourceNames } from "./names";
export { httpApiEvent } from "./events/api-gateway";
export { sqsEvent, sqsRecord } from "./events/sqs";
export { s3Event, s3Record } from "./events/s3";
