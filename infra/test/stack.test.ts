/**
 * What `sst deploy` would create for prod and dev, read from a synth of the project's own
 * sst.config.ts through SST's platform code (not a double of it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../manifest";
import type { Synth } from "../synth/synth";
import { expectClean, SYNTH_TIMEOUT, synthOf, template } from "./template";

const fnSpecs = Object.values(manifest.functions);
let prod: Synth;
let dev: Synth;

beforeAll(async () => {
  [prod, dev] = await Promise.all([synthOf({ stage: "prod" }), synthOf({ stage: "dev" })]);
}, SYNTH_TIMEOUT);

describe("prod and dev synthesize cleanly", () => {
  it("with no error, no unmocked provider call and no unanswered RPC", () => {
    expectClean(prod);
    expectClean(dev);
  });

  it("retains the table and the bucket in prod and protects the stage from `sst remove`; dev removes everything", () => {
    expect(prod.plan.app).toMatchObject({ name: manifest.app.name, removal: "retain", protect: true });
    expect(prod.raw.outputs._protect).toBe(true);
    expect(template(prod).one("aws:dynamodb/table:Table").retainOnDelete).toBe(true);
    expect(template(prod).one("aws:s3/bucket:Bucket", manifest.bucket.name).retainOnDelete).toBe(true);
    expect(template(prod).one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).toBe(true);
    expect(template(prod).one("aws:s3/bucket:Bucket", manifest.bucket.name).inputs.forceDestroy).toBe(false);
    expect(dev.plan.app).toMatchObject({ removal: "remove", protect: false });
    expect(dev.plan.retained.filter((r) => !r.includes("Sourcemap"))).toEqual([]);
    expect(template(dev).one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).toBe(false);
  });

  it("derives every physical name from the stage", () => {
    for (const r of template(dev).all("aws:lambda/function:Function")) expect(r.inputs.name).toMatch(/^users-dev-/);
    for (const r of template(prod).all("aws:cloudwatch/metricAlarm:MetricAlarm")) expect(r.inputs.name).toMatch(/^users-prod-/);
  });
});

describe("functions", () => {
  it("are exactly the manifest's, each with its handler, runtime, architecture, memory and timeout", () => {
    expect(prod.plan.functions.map((f) => f.name).sort()).toEqual(fnSpecs.map((f) => f.name).sort());
    for (const spec of fnSpecs) {
      const fn = prod.plan.functions.find((f) => f.name === spec.name)!;
      expect(fn).toMatchObject({
        handler: spec.handler,
        runtime: manifest.runtime.nodejs,
        architecture: manifest.runtime.architecture,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
      });
      // Resource.X comes from the encrypted link file, not from plain environment variables.
      expect(fn.environment).toEqual(["SST_KEY_FILE", "SST_RESOURCE_App"]);
    }
  });

  it("keep logs 3 months in prod and a week elsewhere, like the API's access log", () => {
    for (const fn of prod.plan.functions) expect(fn.logRetentionDays).toBe(90);
    for (const fn of dev.plan.functions) expect(fn.logRetentionDays).toBe(7);
    expect(prod.plan.api?.accessLogRetentionDays).toBe(90);
  });

  it("bundle sharp outside the upload function's bundle (installed for linux-arm64 by the deploy)", () => {
    const build = prod.raw.rpc.find((c) => c.method === "Runtime.Build" && (c.params as any).functionID === manifest.functions.uploads.name);
    expect((build?.params as any).properties).toMatchObject({ install: { sharp: "*" }, architecture: "arm64" });
  });

  it("retry S3's asynchronous events as the manifest says", () => {
    const fn = prod.plan.functions.find((f) => f.name === manifest.functions.uploads.name)!;
    expect(fn.asyncRetries).toBe(manifest.notifications.uploads.retryAttempts);
  });
});

describe("least privilege", () => {
  it("grants no wildcard action in any role, in prod or dev", () => {
    for (const s of [prod, dev]) {
      for (const fn of s.plan.functions) {
        for (const st of fn.role.statements) for (const action of st.actions) expect(action, fn.name).not.toContain("*");
      }
    }
  });

  it("gives each role exactly its manifest entry: those actions on those ARNs, nothing else", () => {
    for (const s of [prod, dev]) {
      const arns = componentArns(s);
      for (const spec of fnSpecs) {
        const fn = s.plan.functions.find((f) => f.name === spec.name)!;
        const granted = fn.role.statements.flatMap((st) => st.actions.flatMap((a) => st.resources.map((r) => `${a} ${r}`))).sort();
        const wanted = spec.permissions
          .flatMap((p) =>
            p.actions.flatMap((a) =>
              p.resources.map((r) => {
                const [name, ...suffix] = r.split("/");
                return `${a} ${arns[name!]}${suffix.length ? `/${suffix.join("/")}` : ""}`;
              }),
            ),
          )
          .sort();
        expect(granted, spec.name).toEqual(wanted);
        expect(fn.role.statements.every((st) => st.effect === "Allow")).toBe(true);
      }
    }
  });

  it("trusts Lambda alone outside `sst dev`, and logs through AWS's basic execution policy only", () => {
    for (const fn of [...prod.plan.functions, ...dev.plan.functions]) {
      expect(fn.role.trust, fn.name).toEqual({ Service: ["lambda.amazonaws.com"] });
      expect(fn.role.managedPolicies).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
    }
  });
});

describe("API", () => {
  it("routes $default through the JWT authorizer and only the manifest's public routes without it, all to the API function", () => {
    const api = prod.plan.api!;
    expect(api.routes.map((r) => r.key).sort()).toEqual(["$default", ...manifest.api.publicRoutes].sort());
    for (const route of api.routes) {
      expect(route.function).toBe(manifest.functions.api.name);
      expect(route.timeoutMs).toBe(manifest.api.integrationTimeoutSeconds * 1000);
      expect(route.authorization).toBe(route.key === "$default" ? "JWT" : "NONE");
    }
    expect(template(prod).count("aws:lambda/function:Function")).toBe(fnSpecs.length);
  });

  it("authorizes with the stack's Cognito pool: bearer token, the pool as issuer, its app clients as audiences", () => {
    const [authorizer] = prod.plan.api!.authorizers;
    const pool = template(prod).one("aws:cognito/userPool:UserPool");
    expect(authorizer).toMatchObject({
      type: "JWT",
      identitySources: ["$request.header.Authorization"],
      issuer: `https://${pool.state.endpoint}`,
    });
    const clients = template(prod).all("aws:cognito/userPoolClient:UserPoolClient").map((c) => c.id);
    expect([...authorizer!.audiences!].sort()).toEqual([...clients].sort());
    expect(prod.plan.outputs.issuer).toBe(authorizer!.issuer);
  });

  it("defines the manifest's scopes on the resource server, and a client-credentials client with a secret", () => {
    const server = template(prod).one("aws:cognito/resourceServer:ResourceServer");
    expect(server.inputs.identifier).toBe(manifest.auth.resourceServer);
    expect(server.inputs.scopes.map((s: { scopeName: string }) => s.scopeName)).toEqual(manifest.auth.scopes);
    const client = template(prod).one("aws:cognito/userPoolClient:UserPoolClient", "ApiClient");
    expect(client.inputs).toMatchObject({ generateSecret: true, allowedOauthFlows: ["client_credentials"] });
    expect(client.inputs.allowedOauthScopes).toEqual(manifest.auth.scopes.map((s) => `${manifest.auth.resourceServer}/${s}`));
    expect(template(prod).one("aws:cognito/userPool:UserPool").inputs.deletionProtection).toBe("ACTIVE");
  });

  it("throttles and answers CORS as the manifest says", () => {
    const api = prod.plan.api!;
    expect(api.throttling).toEqual(manifest.api.throttling);
    const { allowOrigins: _origins, ...cors } = api.cors as Record<string, unknown>;
    const { allowOrigins: _expected, ...expected } = manifest.api.cors;
    expect(cors).toEqual(expected);
    expect(api.domain).toBeUndefined();
  });
});

describe("alarms", () => {
  it("watch the API's 5xx rate, each function's errors and throttles, and the DLQ, all notifying the stack's topic", () => {
    const alarms = prod.plan.alarms;
    const names = alarms.map((a) => a.name.replace("users-prod-", "")).sort();
    expect(names).toEqual(
      [
        "api-5xx-rate",
        `${manifest.queue.dlq.name}-not-empty`,
        ...fnSpecs.flatMap((f) => [`${f.name}-errors`, `${f.name}-throttles`]),
      ].sort(),
    );
    const [topic] = prod.plan.topics;
    for (const alarm of alarms) expect(alarm.actions).toEqual([topic!.name]);
    expect(topic!.subscriptions).toEqual([]);
    const rate = template(prod).one("aws:cloudwatch/metricAlarm:MetricAlarm", "Api5xxRate").inputs;
    const api = template(prod).one("aws:apigatewayv2/api:Api");
    expect(rate.metricQueries.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions)).toEqual([{ ApiId: api.id }, { ApiId: api.id }]);
    expect(prod.plan.outputs.alarmTopic).toBe(template(prod).one("aws:sns/topic:Topic").state.arn);
  });
});

/** Each component's ARN, by component name. */
function componentArns(s: Synth) {
  const t = template(s);
  return {
    [manifest.table.name]: t.one("aws:dynamodb/table:Table").state.arn,
    [manifest.bucket.name]: t.one("aws:s3/bucket:Bucket", manifest.bucket.name).state.arn,
    [manifest.queue.name]: t.one("aws:sqs/queue:Queue", manifest.queue.name).state.arn,
  } as Record<string, string>;
}

describe("console site and thumbnails CDN", () => {
  it("serve through CloudFront, which alone may read the avatars bucket, and only its thumbnails", () => {
    expect(prod.plan.distributions.length).toBeGreaterThan(0);
    for (const d of prod.plan.distributions) expect(d.viewerProtocolPolicy).toBe("redirect-to-https");
    const avatars = prod.plan.bucketPolicies.find((p) => p.component === manifest.bucket.name)!;
    expect(avatars.statements).toHaveLength(1);
    expect(avatars.statements[0]).toMatchObject({
      effect: "Allow",
      principal: JSON.stringify({ Service: "cloudfront.amazonaws.com" }),
      actions: ["s3:GetObject"],
    });
    expect(avatars.statements[0]!.resources).toEqual([expect.stringMatching(new RegExp(`/${manifest.bucket.thumbnailPrefix}\\*$`))]);
    expect(prod.plan.builds.map((b) => b.dir)).toContainEqual(expect.stringContaining("packages/web"));
  });

  it("sign the console in with a public code-flow client whose callbacks are the site's and local dev's", () => {
    const web = prod.plan.appClients.find((c) => c.component === "WebClient")!;
    expect(web).toMatchObject({ flows: ["code"], secret: false });
    expect(web.callbackUrls).toContain("http://127.0.0.1:5173/callback");
    expect(web.callbackUrls.some((url) => url.startsWith("https://"))).toBe(true);
  });
});
