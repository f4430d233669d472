/**
 * The deployed stack, loaded against a recording double of SST's globals, must carry exactly the
 * settings of infra/manifest.ts — the file the offline runtime runs on — and least privilege.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../manifest";
import { deploy, type Deployment } from "./load";
import { functionArn, nameOf } from "./sst-double";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** "180 seconds" → 180 (SST duration strings). */
function secondsOf(duration: string) {
  const match = /^(\d+) (seconds?|minutes?)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * (match[2]!.startsWith("minute") ? 60 : 1);
}

/** The keys SST's `logging.retention` / `accessLog.retention` accept (aws/logging.ts). */
const RETENTION_DAYS: Record<string, number> = {
  "1 day": 1, "3 days": 3, "5 days": 5, "1 week": 7, "2 weeks": 14, "1 month": 30, "2 months": 60,
  "3 months": 90, "6 months": 180, "1 year": 365, "2 years": 731, forever: 100_000,
};

const fnSpecs = Object.values(manifest.functions);

describe("sst.config.ts app()", () => {
  it("retains and protects prod only, on AWS with a region", async () => {
    const prod = await deploy("prod");
    const dev = await deploy("dev");
    expect(prod.app).toMatchObject({ name: manifest.app.name, home: "aws", removal: "retain", protect: true });
    expect(dev.app).toMatchObject({ removal: "remove", protect: false });
    // v4 rejects `aws: true`: the provider needs a region (or a version).
    expect(prod.app.providers.aws.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
    expect((await deploy("prod", { AWS_REGION: "eu-west-3" })).app.providers.aws.region).toBe("eu-west-3");
    // SST rejects app names that do not start with a letter or hold anything but letters, digits, "-".
    expect(prod.app.name).toMatch(/^[a-zA-Z][a-zA-Z0-9-]*$/);
    const installed = JSON.parse(readFileSync(join(root, "node_modules/sst/package.json"), "utf8")).version;
    expect(prod.app.version).toBe(installed);
  });
});

describe("prod stack with the default (Cognito) issuer", () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy("prod");
  });

  it("creates the table from the manifest, deletion-protected in prod", () => {
    const table = d.one("sst.aws.Dynamo");
    expect(table.name).toBe(manifest.table.name);
    expect(table.args).toEqual({
      fields: manifest.table.fields,
      primaryIndex: manifest.table.primaryIndex,
      globalIndexes: manifest.table.globalIndexes,
      deletionProtection: true,
    });
  });

  it("creates a private bucket whose CORS lets browsers POST presigned forms", () => {
    const bucket = d.one("sst.aws.Bucket");
    expect(bucket.name).toBe(manifest.bucket.name);
    expect(bucket.args.public).toBeUndefined();
    expect(bucket.args.access).toBeUndefined();
    expect(bucket.args.policy).toBeUndefined();
    const { maxAge, ...cors } = bucket.args.cors;
    const { maxAge: expectedMaxAge, ...expected } = manifest.bucket.cors;
    expect(cors).toEqual(expected);
    expect(cors.allowMethods).toContain("POST");
    expect(secondsOf(maxAge)).toBe(expectedMaxAge);
    expect(bucket.args.transform.bucket.forceDestroy).toBe(false);
  });

  it("creates the likes queue with its DLQ, redrive and visibility timeout from the manifest", () => {
    const queue = d.one("sst.aws.Queue", manifest.queue.name);
    const dlq = d.one("sst.aws.Queue", manifest.queue.dlq.name);
    expect(d.of("sst.aws.Queue")).toHaveLength(2);
    expect(secondsOf(queue.args.visibilityTimeout)).toBe(manifest.queue.visibilityTimeoutSeconds);
    expect(queue.args.dlq).toEqual({ queue: `<${manifest.queue.dlq.name}.arn>`, retry: manifest.queue.dlq.maxReceiveCount });
    expect(dlq.args.transform.queue.messageRetentionSeconds).toBe(manifest.queue.dlq.retentionSeconds);
    expect(dlq.args.dlq).toBeUndefined();
  });

  it("keeps the visibility timeout at least 6x the likes subscriber's timeout (AWS guidance)", () => {
    const queue = d.one("sst.aws.Queue", manifest.queue.name);
    const likes = d.one("sst.aws.Function", manifest.functions.likes.name);
    expect(secondsOf(queue.args.visibilityTimeout)).toBeGreaterThanOrEqual(6 * secondsOf(likes.args.timeout));
    expect(manifest.queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * manifest.functions.likes.timeoutSeconds);
  });

  it("subscribes the likes subscriber once, by ARN, with the manifest's batch settings", () => {
    const sub = d.one("sst.aws.Queue#subscribe");
    expect(sub.name).toBe(manifest.queue.name);
    expect(sub.args.subscriber).toBe(functionArn(manifest.functions.likes.name));
    expect(sub.args.name).toBeUndefined();
    expect(sub.args.filters).toBeUndefined();
    expect(sub.args.batch.size).toBe(manifest.queue.batch.size);
    expect(secondsOf(sub.args.batch.window)).toBe(manifest.queue.batch.windowSeconds);
    expect(sub.args.batch.partialResponses).toBe(true);
    expect(manifest.queue.batch.partialResponses).toBe(true);
  });

  it("notifies the uploads subscriber of the manifest's events under the upload prefix only", () => {
    const notify = d.one("sst.aws.Bucket#notify");
    expect(notify.name).toBe(manifest.bucket.name);
    expect(notify.args.notifications).toHaveLength(1);
    const [n] = notify.args.notifications;
    expect(n.function).toBe(functionArn(manifest.functions.uploads.name));
    // Omitting `events` would subscribe every event type.
    expect(n.events).toEqual(manifest.notifications.uploads.events);
    expect(n.filterPrefix).toBe(manifest.notifications.uploads.filterPrefix);
    expect(n.filterPrefix).toBe(manifest.bucket.uploadPrefix);
    // Thumbnails land outside the prefix, or every thumbnail would trigger the subscriber again.
    expect(manifest.bucket.thumbnailPrefix.startsWith(n.filterPrefix)).toBe(false);
  });

  it("creates exactly the manifest's functions, each with its handler, memory, timeout and runtime", () => {
    const fns = d.of("sst.aws.Function");
    expect(fns.map((f) => f.name).sort()).toEqual(fnSpecs.map((f) => f.name).sort());
    for (const spec of fnSpecs) {
      const { args } = d.one("sst.aws.Function", spec.name);
      expect(args.handler).toBe(spec.handler);
      expect(args.runtime).toBe("nodejs22.x");
      expect(args.runtime).toBe(manifest.runtime.nodejs);
      expect(args.architecture).toBe(manifest.runtime.architecture);
      expect(args.memory).toBe(`${spec.memoryMb} MB`);
      expect(secondsOf(args.timeout)).toBe(spec.timeoutSeconds);
      expect(args.name).toBeUndefined(); // SST derives the physical name from app + stage
      expect(Object.keys(RETENTION_DAYS)).toContain(args.logging.retention);
    }
  });

  it("keeps the API function within API Gateway's integration timeout", () => {
    expect(manifest.functions.api.timeoutSeconds).toBeLessThanOrEqual(manifest.api.integrationTimeoutSeconds);
  });

  it("links each function to what it uses, and nothing else", () => {
    const links = (name: string) => d.one("sst.aws.Function", name).args.link.map(nameOf).sort();
    // The manifest's lists are what the offline runtime grants too; the handlers' own use is checked below.
    for (const spec of Object.values(manifest.functions)) expect(links(spec.name)).toEqual([...spec.links].sort());
    expect(manifest.functions.likes.links).toEqual([manifest.table.name]);
  });

  it("grants the likes subscriber only what an SQS event source needs, on its queue", () => {
    const likes = d.one("sst.aws.Function", manifest.functions.likes.name);
    expect(likes.args.permissions).toEqual([
      {
        actions: [
          "sqs:ChangeMessageVisibility",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
          "sqs:ReceiveMessage",
        ],
        resources: [`<${manifest.queue.name}.arn>`],
      },
    ]);
    for (const name of [manifest.functions.api.name, manifest.functions.uploads.name]) {
      expect(d.one("sst.aws.Function", name).args.permissions).toBeUndefined();
      expect(d.one("sst.aws.Function", name).args.policies).toBeUndefined();
    }
  });

  it("installs sharp for linux-arm64 in the upload function only, and retries S3 events as the manifest says", () => {
    const uploads = d.one("sst.aws.Function", manifest.functions.uploads.name);
    expect(uploads.args.nodejs.install).toEqual(["sharp"]);
    expect(uploads.args.architecture).toBe("arm64");
    expect(uploads.args.retries).toBe(manifest.notifications.uploads.retryAttempts);
    for (const name of [manifest.functions.api.name, manifest.functions.likes.name]) {
      expect(d.one("sst.aws.Function", name).args.nodejs).toBeUndefined();
    }
  });

  it("keeps logs longer in prod than in other stages", async () => {
    const dev = await deploy("dev");
    const days = (dep: Deployment) => RETENTION_DAYS[dep.one("sst.aws.Function", manifest.functions.api.name).args.logging.retention]!;
    expect(days(d)).toBeGreaterThan(days(dev));
    expect(d.one("sst.aws.ApiGatewayV2").args.accessLog.retention).toBe(
      d.one("sst.aws.Function", manifest.functions.api.name).args.logging.retention,
    );
    expect(dev.one("sst.aws.Dynamo").args.deletionProtection).toBe(false);
    expect(dev.one("sst.aws.Bucket").args.transform).toBeUndefined();
  });

  it("creates the HTTP API with the manifest's CORS and throttling, and no domain by default", () => {
    const api = d.one("sst.aws.ApiGatewayV2");
    expect(api.name).toBe(manifest.api.name);
    const { maxAge, ...cors } = api.args.cors;
    const { maxAge: expectedMaxAge, ...expected } = manifest.api.cors;
    expect(cors).toEqual(expected);
    expect(secondsOf(maxAge)).toBe(expectedMaxAge);
    expect(api.args.transform.stage.defaultRouteSettings).toEqual({
      throttlingBurstLimit: manifest.api.throttling.burstLimit,
      throttlingRateLimit: manifest.api.throttling.rateLimit,
    });
    expect(api.args.domain).toBeUndefined();
  });

  it("routes $default through the JWT authorizer and only the public routes without it, all to ONE function", () => {
    const routes = d.of("sst.aws.ApiGatewayV2#route").map((r) => r.args);
    const authorizer = d.one("sst.aws.ApiGatewayV2#addAuthorizer");
    const authorizerId = `<${manifest.api.name}Authorizer${authorizer.args.name}.id>`;
    expect(routes.map((r) => r.route).sort()).toEqual(["$default", ...manifest.api.publicRoutes].sort());
    for (const route of routes) {
      // By ARN: a handler string or FunctionArgs would create one Lambda per route.
      expect(route.handler).toBe(functionArn(manifest.functions.api.name));
      expect(route.transform.integration.timeoutMilliseconds).toBe(manifest.api.integrationTimeoutSeconds * 1000);
      if (route.route === "$default") expect(route.auth).toEqual({ jwt: { authorizer: authorizerId } });
      else expect(route.auth).toBe(false);
    }
  });

  it("trusts the stack's Cognito user pool: issuer is the pool, audience the app client", () => {
    const { args } = d.one("sst.aws.ApiGatewayV2#addAuthorizer");
    expect(args.lambda).toBeUndefined();
    expect(args.jwt).toEqual({
      issuer: "https://cognito-idp.<region>.amazonaws.com/<UserPool.id>",
      // Cognito access tokens have no `aud`; API Gateway matches their `client_id` against this.
      audiences: ["<ApiClient.id>"],
    });
  });

  it("defines the manifest's scopes on a Cognito resource server and a client-credentials app client", () => {
    const server = d.one("aws.cognito.ResourceServer");
    expect(server.args.userPoolId).toBe("<UserPool.id>");
    expect(server.args.identifier).toBe(manifest.auth.resourceServer);
    expect(server.args.scopes.map((s: { scopeName: string }) => s.scopeName)).toEqual(manifest.auth.scopes);
    expect(server.args.name).toContain("prod");

    const client = d.one("sst.aws.CognitoUserPoolClient").args;
    expect(client.userPool).toBe("<UserPool.id>");
    expect(client.transform.client).toMatchObject({
      generateSecret: true,
      allowedOauthFlows: ["client_credentials"],
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthScopes: manifest.auth.scopes.map((s) => `${manifest.auth.resourceServer}/${s}`),
    });
    // SST's default client is for browser sign-in (code/implicit + callback); none of that here.
    expect(client.transform.client.callbackUrls).toBeUndefined();
  });

  it("gives the user pool a stage-named domain so the token endpoint exists, and protects it in prod", () => {
    const pool = d.one("sst.aws.CognitoUserPool").args;
    expect(pool.domain.prefix).toBe(`${manifest.app.name}-prod-<account>`);
    expect(pool.domain.prefix).toMatch(/^[a-z0-9<>-]{1,63}$/);
    expect(pool.transform.userPool.deletionProtection).toBe("ACTIVE");
  });

  it("passes functions no environment: their settings come through links and the manifest", () => {
    for (const spec of fnSpecs) expect(d.one("sst.aws.Function", spec.name).args.environment).toBeUndefined();
  });

  it("alarms when the DLQ holds any message", () => {
    const alarm = d.one("aws.cloudwatch.MetricAlarm");
    expect(alarm.args).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `<${manifest.queue.dlq.name}.queueName>` },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    expect(alarm.args.name).toContain("-prod-");
  });

  it("outputs the API URL, the issuer and the client id (never the secret)", () => {
    expect(d.outputs).toEqual({
      api: `<${manifest.api.name}.url>`,
      issuer: "https://cognito-idp.<region>.amazonaws.com/<UserPool.id>",
      clientId: "<ApiClient.id>",
      userPoolId: "<UserPool.id>",
      tokenUrl: `https://${manifest.app.name}-prod-<account>.auth.<region>.amazoncognito.com/oauth2/token`,
    });
  });

  it("derives every physical name it sets from the stage", async () => {
    const other = await deploy("pr-42");
    expect(other.one("aws.cloudwatch.MetricAlarm").args.name).toContain("-pr-42-");
    expect(other.one("aws.cognito.ResourceServer").args.name).toContain("-pr-42-");
    expect(other.one("sst.aws.CognitoUserPool").args.domain.prefix).toContain("-pr-42-");
    for (const r of other.records) {
      if (r.type.startsWith("sst.aws.") && !r.type.includes("#")) expect(r.args?.name).toBeUndefined();
    }
  });
});

describe("another OIDC issuer by configuration", () => {
  it("trusts AUTH_ISSUER for AUTH_AUDIENCE and creates no Cognito resources", async () => {
    const d = await deploy("prod", {
      AUTH_ISSUER: "https://login.example.com/",
      AUTH_AUDIENCE: "users-api, users-api-admin",
    });
    expect(d.of("sst.aws.CognitoUserPool")).toHaveLength(0);
    expect(d.of("sst.aws.CognitoUserPoolClient")).toHaveLength(0);
    expect(d.of("aws.cognito.ResourceServer")).toHaveLength(0);
    expect(d.one("sst.aws.ApiGatewayV2#addAuthorizer").args.jwt).toEqual({
      issuer: "https://login.example.com/",
      audiences: ["users-api", "users-api-admin"],
    });
    expect(d.outputs).toEqual({ api: `<${manifest.api.name}.url>`, issuer: "https://login.example.com/" });
  });

  it("refuses a half configuration or a non-https issuer", async () => {
    await expect(deploy("prod", { AUTH_ISSUER: "https://login.example.com/" })).rejects.toThrow(/AUTH_AUDIENCE/);
    await expect(deploy("prod", { AUTH_AUDIENCE: "x" })).rejects.toThrow(/AUTH_ISSUER/);
    await expect(deploy("prod", { AUTH_ISSUER: "http://login.example.com", AUTH_AUDIENCE: "x" })).rejects.toThrow(/https/);
  });

  it("serves the API on API_DOMAIN when set", async () => {
    const d = await deploy("prod", { API_DOMAIN: "api.example.com" });
    expect(d.one("sst.aws.ApiGatewayV2").args.domain).toBe("api.example.com");
  });

  it("notifies ALARM_TOPIC_ARN when set", async () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const d = await deploy("prod", { ALARM_TOPIC_ARN: topic });
    expect(d.one("aws.cloudwatch.MetricAlarm").args.alarmActions).toEqual([topic]);
  });
});

describe("handlers use exactly what they are linked to", () => {
  /** `Resource.X` names reachable from a handler through relative imports inside packages/functions. */
  function resourcesUsedBy(entry: string) {
    const used = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/\bResource\.([A-Za-z_$][\w$]*)/g)) if (m[1] !== "App") used.add(m[1]!);
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const base = resolve(dirname(file), m[1]!.replace(/\.js$/, ""));
        const next = [base, `${base}.ts`, join(base, "index.ts")].find((p) => existsSync(p) && p.endsWith(".ts"));
        if (next) visit(next);
      }
    };
    visit(entry);
    return [...used].sort();
  }

  for (const spec of fnSpecs) {
    const entry = join(root, `${spec.handler.slice(0, spec.handler.lastIndexOf("."))}.ts`);
    it(`${spec.name} (${spec.handler})`, async () => {
      expect(existsSync(entry), `${entry} is the handler the manifest names`).toBe(true);
      const d = await deploy("prod");
      const linked = d.one("sst.aws.Function", spec.name).args.link.map(nameOf).sort();
      expect(resourcesUsedBy(entry)).toEqual(linked);
    });
  }
});

describe("sst-env.d.ts", () => {
  it("declares every linkable component of the stack, as `sst install` would", async () => {
    const d = await deploy("prod");
    const text = readFileSync(join(root, "sst-env.d.ts"), "utf8");
    const declared = new Map<string, Record<string, string>>();
    for (const m of text.matchAll(/^ {4}"(\w+)": \{\n((?: {6}.*\n)+) {4}\}/gm)) {
      const props = Object.fromEntries([...m[2]!.matchAll(/^ {6}"(\w+)": (.+)$/gm)].map((p) => [p[1]!, p[2]!]));
      declared.set(m[1]!, props);
    }
    const expected = new Map(
      d.records
        .filter((r) => r.link)
        .map((r) => [r.name, { ...r.link, type: `"${r.type}"` }] as const),
    );
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(expected));
    // The names the functions read through `Resource`.
    expect(declared.get(manifest.table.name)?.name).toBe("string");
    expect(declared.get(manifest.bucket.name)?.name).toBe("string");
    expect(declared.get(manifest.queue.name)?.url).toBe("string");
  });
});
