/**
 * The HTTP API: one Lambda behind API Gateway (HTTP API, payload v2). The JWT authorizer rejects
 * calls without a valid token before the Lambda runs; the API checks each route's scope itself
 * (so a 403 is problem+json like every other error). CORS preflight is answered by API Gateway.
 */
import { auth } from "./auth";
import { cdn, consoleOrigins } from "./cdn";
import { accessFor, config, functionArgs, seconds } from "./config";
import { queue } from "./likes";
import { manifest } from "./manifest";
import { bucket, table } from "./storage";

const { api: spec } = manifest;

export const apiHandler = new sst.aws.Function(manifest.functions.api.name, {
  ...functionArgs(manifest.functions.api),
  // The S3 and SQS adapters are imported on first use (packages/functions/src/api/compose.ts): split
  // there, a cold start that serves a read does not even compile their SDKs.
  nodejs: { splitting: true },
  ...accessFor(manifest.functions.api, { Users: table, Avatars: bucket, Likes: queue, Cdn: cdn }),
});

export const api = new sst.aws.ApiGatewayV2(spec.name, {
  domain: config.apiDomain,
  cors: {
    // The manifest's local origins plus the deployed console's: never `*`.
    allowOrigins: consoleOrigins,
    allowMethods: [...spec.cors.allowMethods],
    allowHeaders: [...spec.cors.allowHeaders],
    exposeHeaders: [...spec.cors.exposeHeaders],
    maxAge: seconds(spec.cors.maxAge),
  },
  accessLog: { retention: config.logRetention },
  transform: {
    stage: {
      defaultRouteSettings: {
        throttlingBurstLimit: spec.throttling.burstLimit,
        throttlingRateLimit: spec.throttling.rateLimit,
      },
    },
  },
});

export const authorizer = api.addAuthorizer({
  name: "Jwt",
  jwt: { issuer: auth.issuer, audiences: auth.audiences },
});

const integration = { timeoutMilliseconds: spec.integrationTimeoutSeconds * 1000 };

// By ARN: a handler string would make every route a Lambda of its own.
api.route("$default", apiHandler.arn, {
  auth: { jwt: { authorizer: authorizer.id } },
  transform: { integration },
});
for (const route of spec.publicRoutes) {
  api.route(route, apiHandler.arn, { auth: false, transform: { integration } });
}
