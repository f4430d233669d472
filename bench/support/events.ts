import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";

/**
 * A full API Gateway HTTP API (payload 2.0) event as the gateway sends it after its JWT authorizer,
 * field for field like fixtures/aws-events/apigw-http-jwt-authorizer.json, built in
 * code so the bench needs nothing outside the repository.
 */
export function apiEvent(
  method: string,
  path: string,
  options: { body?: unknown; scopes?: string[]; sub?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const scopes = options.scopes ?? ["users:read", "users:write", "likes:write"];
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      accept: "*/*",
      "accept-encoding": "gzip, deflate",
      authorization: "Bearer eyJra[...]A",
      "content-length": String(body ? Buffer.byteLength(body) : 0),
      ...(body ? { "content-type": "application/json" } : {}),
      host: "lsw1ro4ipb.execute-api.us-east-1.amazonaws.com",
      "user-agent": "bench/1.0",
      "x-amzn-trace-id": "Root=1-66705b09-5f85233d2fb7bd54034f7e30",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "lsw1ro4ipb",
      authorizer: {
        jwt: {
          claims: {
            sub: options.sub ?? "bench-user",
            iss: "http://127.0.0.1:3001",
            aud: "users-api-local",
            scope: scopes.join(" "),
            token_use: "access",
            client_id: "local-client",
            iat: String(Math.floor(now / 1000)),
            exp: String(Math.floor(now / 1000) + 3600),
          },
          scopes,
        },
        principalId: "",
        integrationLatency: 0,
      },
      domainName: "lsw1ro4ipb.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "lsw1ro4ipb",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench/1.0" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}

export function lambdaContext(functionName = "users-bench-ApiHandler", memoryMb = 512): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/01/01/[$LATEST]bench",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
