/**
 * The infra manifest: every setting that the deployed stack (`infra/*.ts`, read by SST) and the
 * offline runtime (`packages/local`) must agree on. Both read this file, so they cannot drift.
 *
 * Plain data only: no `sst` globals, no Node APIs, so it typechecks and imports anywhere.
 */

/**
 * Where the console runs offline (Vite's dev server). The one list of browser origins: the API's and
 * the bucket's CORS and the issuer's redirect allow-list all start from it, and the deployed stack adds
 * the site's own URL (infra/web.ts).
 */
const consoleOrigins = ["http://127.0.0.1:5173", "http://localhost:5173"] as const;

/** Names are the SST component names; SST derives the physical names from app + stage. */
export const manifest = {
  /** The SST app name: physical names are `<app>-<stage>-<Name>`, deployed and offline alike. */
  app: { name: "users" },

  table: {
    name: "Users",
    /** Single-table design: users, username claims and likes share one table. */
    fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
    primaryIndex: { hashKey: "pk", rangeKey: "sk" },
    globalIndexes: {
      /** Lists users newest first without a Scan. */
      byCreatedAt: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    },
  },

  bucket: {
    name: "Avatars",
    uploadPrefix: "uploads/",
    thumbnailPrefix: "thumbnails/",
    /** Browsers POST the presigned form straight to the bucket, from the console's origins only. */
    cors: { allowMethods: ["POST", "GET"], allowOrigins: consoleOrigins, allowHeaders: ["*"], maxAge: 3600 },
  },

  /**
   * One CloudFront distribution (an SST Router): the console at `/`, and `/thumbnails/*` from the
   * avatars bucket through origin access control — the only prefix it can read. Thumbnail URLs are
   * `<Cdn url>/<key>`; offline a small server plays this part (packages/local/src/s3/cdn.ts).
   */
  cdn: { name: "Cdn", thumbnailsPath: "/thumbnails" },

  queue: {
    name: "Likes",
    /** AWS guidance: at least 6x the subscriber's timeout, so a slow batch is not redelivered mid-run. */
    visibilityTimeoutSeconds: 180,
    dlq: { name: "LikesDlq", maxReceiveCount: 5, retentionSeconds: 14 * 24 * 60 * 60 },
    /**
     * 50 records per invocation (standard queues take up to 10,000; over 10 needs a window of at
     * least 1 s: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html). The
     * subscriber writes a batch as one transaction of a put per like plus one `ADD` per user, so a
     * bigger batch means fewer count updates per like: 1.2 actions per like over 10 users, against 2
     * with batches of 10. A batch of 50 always fits one transaction: 50 puts and at most 50 updates.
     */
    batch: { size: 50, windowSeconds: 1, partialResponses: true },
  },

  notifications: {
    uploads: {
      events: ["s3:ObjectCreated:*"],
      filterPrefix: "uploads/",
      /** Lambda's async invoke retries a failed event twice. */
      retryAttempts: 2,
    },
  },

  functions: {
    api: {
      /** Not "Api": SST component names must be unique, and the API Gateway (`api.name`) is "Api". */
      name: "ApiHandler",
      handler: "packages/functions/src/api/handler.handler",
      timeoutSeconds: 10,
      memoryMb: 512,
      /**
       * The components whose `Resource.X` (name, url) the handler reads. Links carry no permissions.
       * "Cdn" gives the public base URL of avatar thumbnails.
       */
      links: ["Users", "Avatars", "Likes", "Cdn"],
      /**
       * Least privilege: exactly the actions the function's code sends, on its own resources. A
       * resource is a component name (its ARN), optionally `/<suffix>` appended to that ARN.
       * Presigned requests are authorized as the signing role: the avatar upload POST needs
       * s3:PutObject. Thumbnails are public through the CDN, so no read is signed. DynamoDB transactions are authorized per item
       * (Put → PutItem, Delete → DeleteItem); DeleteObjects per key (s3:DeleteObject).
       */
      permissions: [
        {
          actions: [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "dynamodb:BatchWriteItem",
          ],
          resources: ["Users"],
        },
        { actions: ["dynamodb:Query"], resources: ["Users/index/*"] },
        { actions: ["s3:PutObject"], resources: ["Avatars/uploads/*"] },
        { actions: ["s3:DeleteObject"], resources: ["Avatars/uploads/*", "Avatars/thumbnails/*"] },
        { actions: ["s3:ListBucket"], resources: ["Avatars"] },
        { actions: ["sqs:SendMessage"], resources: ["Likes"] },
      ],
    },
    likes: {
      name: "LikesSubscriber",
      handler: "packages/functions/src/likes/handler.handler",
      timeoutSeconds: 30,
      memoryMb: 256,
      links: ["Users"],
      permissions: [
        /** One transaction per batch: a conditional Put per like, an `ADD likes` Update per user. */
        { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: ["Users"] },
        /**
         * Sent by the event source mapping (Lambda's poller, offline: the runtime's poller) with
         * this function's role, never by the handler: AWS's documented minimum for an SQS source.
         */
        { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: ["Likes"] },
      ],
    },
    uploads: {
      name: "UploadsSubscriber",
      handler: "packages/functions/src/uploads/handler.handler",
      timeoutSeconds: 30,
      memoryMb: 1536,
      links: ["Users", "Avatars"],
      permissions: [
        { actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources: ["Users"] },
        /** Only originals are read: thumbnails are content-addressed, never read back. */
        { actions: ["s3:GetObject"], resources: ["Avatars/uploads/*"] },
        { actions: ["s3:PutObject"], resources: ["Avatars/thumbnails/*"] },
        { actions: ["s3:DeleteObject"], resources: ["Avatars/uploads/*", "Avatars/thumbnails/*"] },
        /** Also what makes a missing key a 404 rather than a 403. */
        { actions: ["s3:ListBucket"], resources: ["Avatars"] },
      ],
    },
  },

  runtime: { nodejs: "nodejs22.x", architecture: "arm64" },

  api: {
    name: "Api",
    /** API Gateway HTTP API hard limits, enforced offline too. */
    maxRequestBytes: 10 * 1024 * 1024,
    integrationTimeoutSeconds: 30,
    throttling: { burstLimit: 200, rateLimit: 100 },
    cors: {
      allowOrigins: consoleOrigins,
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["authorization", "content-type", "if-match"],
      exposeHeaders: ["location", "x-request-id", "etag"],
      maxAge: 3600,
    },
    /** Routes that API Gateway serves without the JWT authorizer. Everything else goes through it. */
    publicRoutes: ["GET /health", "GET /openapi.json", "GET /docs", "GET /docs/{proxy+}"],
  },

  web: {
    /** The console (packages/web), deployed as a static site; offline, Vite's dev server. */
    name: "Console",
    path: "packages/web",
    localOrigins: consoleOrigins,
    /** The redirect URI is `<origin><callbackPath>`; after sign-out the issuer sends the browser to `<origin><signedOutPath>`. */
    callbackPath: "/callback",
    signedOutPath: "/",
    /** The offline issuer's public client (no secret); deployed, the Cognito app client's id. */
    localClientId: "users-console",
    /** All the console asks for: the API scopes its screens use, plus `openid` for an ID token. */
    scopes: ["openid", "users:read", "users:write", "likes:write"],
    /** What the console's build reads (Vite exposes only VITE_* to the browser). */
    env: { apiUrl: "VITE_API_URL", issuer: "VITE_ISSUER", clientId: "VITE_CLIENT_ID", scopes: "VITE_SCOPES" },
  },

  auth: {
    /** OAuth scopes the issuer grants; the API checks them per route. */
    scopes: ["users:read", "users:write", "likes:write"],
    /** Resource-server identifier: scopes appear in tokens as `${resourceServer}/${scope}` on Cognito. */
    resourceServer: "users-api",
    /** API Gateway accepts only RSA-signed tokens; offline checks the same list. */
    algorithms: ["RS256"],
    /** The offline issuer's audience (the deployed one is the Cognito app client id). */
    localAudience: "users-api-local",
  },
} as const;

export type Manifest = typeof manifest;
