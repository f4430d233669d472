import type { TestProject } from "vitest/node";
import { createConsoleLogger, start } from "../src/index";
import type { Logger, RuntimeSettings } from "../src/index";

declare module "vitest" {
  export interface ProvidedContext {
    /** DynamoDB Local (tests create tables of their own there). */
    dynamoEndpoint: string;
    /** The HTTP front: API Gateway in front of the real API handler. */
    apiUrl: string;
    /** The S3 front (path-style; s3rver behind it). */
    s3Endpoint: string;
    sqsEndpoint: string;
    /** The local OIDC issuer: `iss` of its tokens; tokens from `${issuerUrl}/oauth2/token`. */
    issuerUrl: string;
    issuerClientId: string;
    issuerClientSecret: string;
    tableName: string;
    bucketName: string;
    queueUrl: string;
    dlqUrl: string;
    /** The thumbnails CDN: the public base of avatar thumbnail URLs. */
    cdnUrl: string;
    /** The likes queue's visibility timeout in this run (shortened for tests; deployed: the manifest's). */
    queueVisibilityTimeoutSeconds: number;
    /** What the running runtime applies (front, event source, functions), for the parity tests. */
    runtimeSettings: RuntimeSettings;
  }
}

const queueVisibilityTimeoutSeconds = 2;

/**
 * The whole offline runtime, once per test run: in memory, on free loopback ports, running the real
 * functions; always stopped. Set LOCAL_RUNTIME_LOG=1 to see its log lines and the functions' output.
 */
export default async function setup(project: TestProject) {
  const runtime = await start({
    inMemory: true,
    ports: "free",
    queueVisibilityTimeoutSeconds,
    logger: process.env.LOCAL_RUNTIME_LOG ? createConsoleLogger(process.stderr) : problemsOnly(createConsoleLogger(process.stderr)),
  });
  project.provide("dynamoEndpoint", runtime.endpoints.dynamodb);
  project.provide("apiUrl", runtime.apiUrl);
  project.provide("s3Endpoint", runtime.endpoints.s3);
  project.provide("sqsEndpoint", runtime.endpoints.sqs);
  project.provide("issuerUrl", runtime.issuerUrl ?? "");
  project.provide("issuerClientId", runtime.issuer?.client.id ?? "");
  project.provide("issuerClientSecret", runtime.issuer?.client.secret ?? "");
  project.provide("tableName", runtime.resources.tableName);
  project.provide("bucketName", runtime.resources.bucketName);
  project.provide("queueUrl", runtime.resources.queueUrl);
  project.provide("dlqUrl", runtime.resources.dlqUrl);
  project.provide("cdnUrl", `http://127.0.0.1:${runtime.ports.cdn}`);
  project.provide("queueVisibilityTimeoutSeconds", queueVisibilityTimeoutSeconds);
  project.provide("runtimeSettings", runtime.settings);
  return () => runtime.stop();
}

function problemsOnly(logger: Logger): Logger {
  const quiet = () => undefined;
  return { ...logger, info: quiet, invocation: quiet, functionOutput: quiet };
}
