/**
 * The stack's configurations, each synthesized through SST's platform code: as `sst dev` evaluates
 * it, with another OIDC issuer and a custom domain and an alarm email, with an existing alarm topic,
 * and a half-configured issuer that must fail the synth as it would fail the deploy.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../manifest";
import type { Synth } from "../synth/synth";
import { expectClean, SYNTH_TIMEOUT, synthOf, template } from "./template";

const topicArn = "arn:aws:sns:us-east-1:123456789012:oncall";
let live: Synth;
let external: Synth;
let existingTopic: Synth;
let halfIssuer: Synth;

beforeAll(async () => {
  [live, external, existingTopic, halfIssuer] = await Promise.all([
    synthOf({ stage: "alice", dev: true }),
    synthOf({
      stage: "prod",
      env: { AUTH_ISSUER: "https://login.example.com/", AUTH_AUDIENCE: "users-api, users-api-admin", API_DOMAIN: "api.example.com", ALARM_EMAIL: "oncall@example.com" },
    }),
    synthOf({ stage: "staging", env: { ALARM_TOPIC_ARN: topicArn } }),
    synthOf({ stage: "prod", env: { AUTH_ISSUER: "https://login.example.com/" } }),
  ]);
}, SYNTH_TIMEOUT);

describe("as `sst dev` evaluates the stack ($dev)", () => {
  it("synthesizes cleanly, registering each function to run locally instead of building it", () => {
    expectClean(live);
    expect(live.raw.rpc.filter((c) => c.method === "Runtime.Build")).toEqual([]);
    const targets = live.raw.rpc.filter((c) => c.method === "Runtime.AddTarget").map((c: any) => c.params.functionID);
    expect(targets.sort()).toEqual(Object.values(manifest.functions).map((f) => f.name).sort());
    expect(live.plan.builds).toEqual([]);
  });

  it("lets the account assume the roles (the CLI runs the functions as them) and adds only SST's live-bridge grants", () => {
    for (const fn of live.plan.functions) {
      expect(fn.role.trust).toEqual({ AWS: ["arn:aws:iam::123456789012:root"], Service: ["lambda.amazonaws.com"] });
      const wildcards = fn.role.statements.filter((s) => s.actions.some((a) => a.includes("*")));
      expect(wildcards.map((s) => `${s.actions} ${s.resources}`)).toEqual([
        "appsync:* *",
        "s3:* arn:aws:s3:::sst-asset-synth-us-east-1,arn:aws:s3:::sst-asset-synth-us-east-1/*",
      ]);
      const spec = Object.values(manifest.functions).find((f) => f.name === fn.name)!;
      expect(Object.keys(fn.links).sort()).toEqual([...spec.links].sort());
    }
  });
});

describe("another OIDC issuer, a custom domain and an alarm email", () => {
  it("synthesizes cleanly without any Cognito resource, trusting AUTH_ISSUER for AUTH_AUDIENCE", () => {
    expectClean(external);
    const t = template(external);
    expect(t.count("aws:cognito/userPool:UserPool")).toBe(0);
    expect(t.count("aws:cognito/userPoolClient:UserPoolClient")).toBe(0);
    expect(external.plan.api!.authorizers).toEqual([
      expect.objectContaining({ issuer: "https://login.example.com/", audiences: ["users-api", "users-api-admin"] }),
    ]);
    expect(external.plan.outputs).not.toHaveProperty("clientId");
  });

  it("serves the API on API_DOMAIN with a validated certificate and DNS in its hosted zone", () => {
    expect(external.plan.api!.domain).toBe("api.example.com");
    const t = template(external);
    expect(t.one("aws:acm/certificate:Certificate").inputs.domainName).toBe("api.example.com");
    expect(t.all("aws:route53/record:Record").map((r) => r.inputs.name)).toContain("api.example.com");
    expect(t.one("aws:apigatewayv2/apiMapping:ApiMapping").inputs.domainName).toBe("api.example.com");
  });

  it("subscribes ALARM_EMAIL to the stack's alarm topic", () => {
    expect(external.plan.topics).toEqual([{ name: "Alarms", subscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }] }]);
  });
});

describe("an existing alarm topic", () => {
  it("wires every alarm to ALARM_TOPIC_ARN and creates no topic", () => {
    expectClean(existingTopic);
    expect(existingTopic.plan.topics).toEqual([]);
    expect(existingTopic.plan.alarms.length).toBe(2 + 2 * Object.keys(manifest.functions).length);
    for (const alarm of existingTopic.plan.alarms) expect(alarm.actions).toEqual([topicArn]);
    for (const alarm of existingTopic.plan.alarms) expect(alarm.name).toMatch(/^users-staging-/);
  });
});

describe("a half-configured issuer", () => {
  it("fails the synth with the configuration's own message", () => {
    expect(halfIssuer.raw.errors.join("\n")).toMatch(/AUTH_ISSUER needs AUTH_AUDIENCE/);
  });
});
