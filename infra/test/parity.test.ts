/**
 * The synth (what SST would deploy) against the offline runtime (what `npm run dev` and the tests
 * run): the same queue, event source, notification, routes, authorizer, sizes and links — read
 * from the running offline emulators where they hold the setting, else from what the running runtime
 * reports it applied (`Runtime.settings`), else from the code that applies it.
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { functionEnv } from "../../packages/local/src/runtime/function-env";
import type { FunctionKey } from "../../packages/local/src/runtime/options";
import { matchesNotification } from "../../packages/local/src/s3/notifications";
import { manifest } from "../manifest";
import type { Synth } from "../synth/synth";
import { SYNTH_TIMEOUT, synthOf } from "./template";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let prod: Synth;
/** What the test run's offline runtime applies, as it resolved it (global-setup.ts). */
const offline = inject("runtimeSettings");

beforeAll(async () => {
  prod = await synthOf({ stage: "prod" });
  expect(prod.raw.errors, prod.log).toEqual([]);
}, SYNTH_TIMEOUT);

describe("likes queue", () => {
  it("redrives after the same receive count and keeps the DLQ as long as the offline queues do", async () => {
    const sqs = new SQSClient({
      endpoint: inject("sqsEndpoint"),
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const attributes = async (QueueUrl: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes ?? {};
    const [offlineQueue, offlineDlq] = await Promise.all([attributes(inject("queueUrl")), attributes(inject("dlqUrl"))]);
    const queue = prod.plan.queues.find((q) => q.name === manifest.queue.name)!;
    const dlq = prod.plan.queues.find((q) => q.name === manifest.queue.dlq.name)!;

    expect(queue.dlq).toEqual({ queue: manifest.queue.dlq.name, maxReceiveCount: JSON.parse(offlineQueue.RedrivePolicy!).maxReceiveCount });
    expect(dlq.retentionSeconds).toBe(Number(offlineDlq.MessageRetentionPeriod));
    expect(queue.retentionSeconds).toBe(Number(offlineQueue.MessageRetentionPeriod));
    // The test runtime shortens the visibility timeout to keep retries quick; `npm run dev` uses the manifest's.
    expect(queue.visibilityTimeoutSeconds).toBe(manifest.queue.visibilityTimeoutSeconds);
  });

  it("is read in the batches, window and partial-failure mode the offline poller uses", () => {
    expect(prod.plan.eventSources).toEqual([{ queue: manifest.queue.name, function: manifest.functions.likes.name, ...offline.eventSource }]);
  });

  it("keeps the visibility timeout at least 6x the subscriber's timeout, and redrives at most as AWS allows", () => {
    const queue = prod.plan.queues.find((q) => q.name === manifest.queue.name)!;
    const likes = prod.plan.functions.find((f) => f.name === manifest.functions.likes.name)!;
    expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * likes.timeoutSeconds);
    expect(queue.dlq!.maxReceiveCount).toBeGreaterThanOrEqual(1);
    expect(queue.dlq!.maxReceiveCount).toBeLessThanOrEqual(1000);
  });
});

describe("upload notifications", () => {
  it("fire for the same objects offline and deployed: created under uploads/, never thumbnails", () => {
    const [deployed] = prod.plan.bucketNotifications;
    expect(prod.plan.bucketNotifications).toHaveLength(1);
    expect(deployed).toMatchObject({ bucket: manifest.bucket.name, function: manifest.functions.uploads.name });
    const offline = { configurationId: "uploads", ...manifest.notifications.uploads };
    const fromSynth = { configurationId: "uploads", events: deployed!.events, filterPrefix: deployed!.filterPrefix, filterSuffix: deployed!.filterSuffix };
    for (const [event, key] of [
      ["ObjectCreated:Post", "uploads/u1/01J"],
      ["ObjectCreated:Put", "uploads/u1/01J"],
      ["ObjectCreated:Put", "thumbnails/u1/64.webp"],
      ["ObjectRemoved:Delete", "uploads/u1/01J"],
    ] as const) {
      expect(matchesNotification(fromSynth, event, key), `${event} ${key}`).toBe(matchesNotification(offline, event, key));
    }
    expect(matchesNotification(fromSynth, "ObjectCreated:Post", "uploads/u1/01J")).toBe(true);
    expect(matchesNotification(fromSynth, "ObjectCreated:Put", `${manifest.bucket.thumbnailPrefix}u1/64.webp`)).toBe(false);
  });
});

describe("HTTP API", () => {
  it("serves the offline front's public routes without the authorizer and everything else through it", () => {
    const routes = prod.plan.api!.routes;
    expect(routes.filter((r) => r.authorization === "NONE").map((r) => r.key).sort()).toEqual([...offline.api.publicRoutes].sort());
    expect(routes.filter((r) => r.authorization !== "NONE").map((r) => r.key)).toEqual(["$default"]);
  });

  it("reads the bearer token from Authorization, as the offline authorizer does, and checks issuer and audience", () => {
    const [authorizer] = prod.plan.api!.authorizers;
    expect(authorizer!.type).toBe("JWT");
    expect(authorizer!.identitySources).toEqual(["$request.header.Authorization"]);
    expect(authorizer!.issuer).toMatch(/^https:\/\//);
    expect(authorizer!.audiences!.length).toBeGreaterThan(0);
    // API Gateway verifies RSA signatures only; the offline authorizer accepts the same list.
    expect(manifest.auth.algorithms).toEqual(["RS256"]);
  });

  it("gives the API function the memory and timeout the offline front enforces, within the same integration timeout", () => {
    const api = prod.plan.functions.find((f) => f.name === manifest.functions.api.name)!;
    expect(api).toMatchObject({ memoryMb: offline.api.function.memoryMb, timeoutSeconds: offline.api.function.timeoutSeconds });
    for (const route of prod.plan.api!.routes) expect(route.timeoutMs).toBe(offline.api.integrationTimeoutMs);
    expect(api.timeoutSeconds * 1000).toBeLessThanOrEqual(offline.api.integrationTimeoutMs);
  });

  it("gives every function the memory and timeout its offline sandbox runs with", () => {
    for (const [key, settings] of Object.entries(offline.functions)) {
      const deployed = prod.plan.functions.find((f) => f.name === manifest.functions[key as FunctionKey].name)!;
      expect({ key, memoryMb: deployed.memoryMb, timeoutSeconds: deployed.timeoutSeconds }).toEqual({ key, ...settings });
    }
  });
});

describe("links", () => {
  const keys = Object.keys(manifest.functions) as FunctionKey[];

  it("give each function the same Resource.X names, types and properties offline as deployed", () => {
    for (const key of keys) {
      const spec = manifest.functions[key];
      const deployed = prod.plan.functions.find((f) => f.name === spec.name)!.links;
      const env = functionEnv(key, spec.name, {
        endpoints: { dynamodb: "http://x", s3: "http://x", sqs: "http://x" },
        credentials: { accessKeyId: "x", secretAccessKey: "x" },
        region: "us-east-1",
        resources: { tableName: "t", bucketName: "b", queueUrl: "http://q", cdnUrl: "http://c" },
        inherited: {},
      });
      const offline = Object.fromEntries(
        Object.entries(env)
          .filter(([name]) => name.startsWith("SST_RESOURCE_") && name !== "SST_RESOURCE_App")
          .map(([name, value]) => [name.slice("SST_RESOURCE_".length), JSON.parse(value)]),
      );
      const shape = (links: Record<string, Record<string, unknown>>) =>
        Object.fromEntries(Object.entries(links).map(([name, props]) => [name, { type: props.type, keys: Object.keys(props).sort() }]));
      expect(shape(offline), spec.name).toEqual(shape(deployed));
    }
  });

  /** `Resource.X` names reachable from a handler through relative imports. */
  function resourcesUsedBy(entry: string) {
    const used = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Comments may name `Resource.X` without reading it.
      const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
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

  for (const key of keys) {
    const spec = manifest.functions[key];
    it(`are exactly what ${spec.name}'s code reads through Resource`, () => {
      const entry = join(root, `${spec.handler.slice(0, spec.handler.lastIndexOf("."))}.ts`);
      const deployed = Object.keys(prod.plan.functions.find((f) => f.name === spec.name)!.links).sort();
      expect(resourcesUsedBy(entry)).toEqual(deployed);
    });
  }
});
