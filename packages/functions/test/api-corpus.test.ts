import { linkApiEnvironment } from "./support/app";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { METHODS } from "node:http";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTestTable } from "../../core/test/support/table";
import { httpApiEvent } from "../../local/src/events/api-gateway";
import { rawRequest } from "../../local/test/support/http";
import { buildOpenApiDocument } from "../src/api/openapi";
import { Problem } from "../src/api/problem";
import { generateCorpus, type CorpusCase, type CorpusTarget } from "./support/corpus";

/**
 * The generated corpus of malformed requests (./support/corpus.ts), through the real Lambda handler
 * with full API Gateway payload-2.0 events from the offline runtime's event factory, on DynamoDB
 * Local — so Hono's adapter layer is covered too — and a slice of it through the offline HTTP
 * front. No answer may be a 5xx; every error is problem+json; nothing stored changes.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let handler: Handler;
let table: Awaited<ReturnType<typeof createTestTable>>;
let target: CorpusTarget;
const allScopes = ["users:read", "users:write", "likes:write"];
const context = { awsRequestId: "corpus", functionName: "ApiHandler", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function eventOf(testCase: CorpusCase): APIGatewayProxyEventV2 {
  const scopes = testCase.scopes ?? allScopes;
  return httpApiEvent({
    method: testCase.method,
    path: testCase.path,
    headers: testCase.headers,
    ...(testCase.body === undefined ? {} : { body: testCase.body }),
    requestId: crypto.randomUUID(),
    ...(testCase.authorized === false
      ? {}
      : { authorizer: { claims: { sub: "corpus", iss: "http://127.0.0.1:3001", aud: "users-api-local", scope: scopes.join(" ") }, scopes } }),
  });
}

async function call(testCase: CorpusCase) {
  const event = eventOf(testCase);
  return { event, result: await handler(event, context) };
}

/** What is wrong with one answer, if anything. */
function violations(testCase: CorpusCase, status: number, headers: Record<string, string | undefined>, body: string, requestId?: string): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`${status}`);
  if (testCase.expect && !testCase.expect.includes(status)) found.push(`status ${status}, expected ${testCase.expect.join("/")}`);
  if (status === 405 && !headers.allow) found.push("405 without Allow");
  if (status >= 400) {
    if (headers["content-type"] !== "application/problem+json") found.push(`content-type ${headers["content-type"]}`);
    if (testCase.method !== "HEAD") {
      let problem: unknown;
      try {
        problem = JSON.parse(body);
      } catch {
        found.push(`body is not JSON: ${body.slice(0, 60)}`);
      }
      const parsed = Problem.safeParse(problem);
      if (!parsed.success) found.push(`not a problem: ${body.slice(0, 80)}`);
      else {
        const extra = Object.keys(problem as object).filter((key) => !["type", "title", "status", "detail", "requestId", "errors"].includes(key));
        if (extra.length > 0) found.push(`extra fields ${extra.join(",")}`);
        if (parsed.data.status !== status) found.push(`problem status ${parsed.data.status}`);
        if (requestId && parsed.data.requestId !== requestId) found.push("requestId is not the gateway's");
      }
    }
  }
  return found;
}

async function snapshot(): Promise<string> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.documents.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.map((item) => JSON.stringify(item)).sort());
}

beforeAll(async () => {
  table = await createTestTable("corpus");
  linkApiEnvironment(table.tableName);
  ({ handler } = (await import("../src/api/handler")) as unknown as { handler: Handler });

  const created = await call({
    name: "seed",
    method: "POST",
    path: "/users",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "corpus_target", name: "Target", email: "target@example.com", age: 40 }),
  });
  expect(created.result.statusCode).toBe(201);
  const user = JSON.parse(created.result.body ?? "{}") as { id: string; username: string; version: number };
  target = { id: user.id, username: user.username, version: user.version };
});

describe("the generated corpus through the Lambda handler", () => {
  it("gets no 5xx, only problem+json errors, and changes nothing stored", async () => {
    const cases = generateCorpus(target);
    expect(cases.length).toBeGreaterThanOrEqual(500);
    const before = await snapshot();

    const failures: string[] = [];
    let serverErrors = 0;
    const statuses = new Map<number, number>();
    const queue = [...cases];
    // A few at a time, as concurrent invocations of one container would be.
    const worker = async () => {
      for (let testCase = queue.shift(); testCase; testCase = queue.shift()) {
        const { event, result } = await call(testCase);
        const status = result.statusCode ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) serverErrors += 1;
        const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64").toString("utf8") : (result.body ?? "");
        const problems = violations(testCase, status, result.headers as Record<string, string | undefined>, body, event.requestContext.requestId);
        if (problems.length > 0) failures.push(`${testCase.name}: ${problems.join("; ")}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));

    console.info(`api corpus: ${cases.length} cases through the Lambda handler, ${serverErrors} 5xx, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it("stores values at every bound exactly and gives them back unchanged", async () => {
    const edges = [
      { username: "abc", name: "a".repeat(100), email: `${"a".repeat(64)}@${"b".repeat(185)}.com`, age: 18 },
      { username: "z".repeat(30), name: "😀".repeat(50), email: "e@example.io", age: 150 },
      { username: "edge_nul", name: "a\u0000b", email: "nul@example.com", age: 30 },
      { username: "edge_rtl", name: "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd", email: "rtl@example.com", age: 30 },
      { username: "edge_combining", name: "e\u0301".repeat(50), email: "comb@example.com", age: 30 },
      { username: "__proto__", name: "constructor", email: "proto@example.com", age: 30 },
    ];
    for (const body of edges) {
      const created = await call({ name: "edge", method: "POST", path: "/users", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(created.result.statusCode, JSON.stringify(body).slice(0, 80)).toBe(201);
      const { id } = JSON.parse(created.result.body ?? "{}") as { id: string };
      const read = await call({ name: "edge read", method: "GET", path: `/users/${id}`, headers: {} });
      expect(JSON.parse(read.result.body ?? "{}")).toMatchObject(body);
    }
    expect(`${"a".repeat(64)}@${"b".repeat(185)}.com`).toHaveLength(254);
  });
});

describe("the OpenAPI document", () => {
  it("gives every string, in and out, an upper bound", () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, index) => walk(child, `${at}[${index}]`));
      if (node === null || typeof node !== "object") return;
      const schema = node as Record<string, unknown>;
      if (schema.type === "string" && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined) unbounded.push(at);
      for (const [key, child] of Object.entries(schema)) walk(child, `${at}.${key}`);
    };
    const document = buildOpenApiDocument();
    walk(document.paths, "paths");
    walk(document.components.schemas, "components.schemas");
    expect(unbounded).toEqual([]);
    const email = (document.components.schemas.CreateUserInput as { properties: { email: { maxLength: number } } }).properties.email;
    expect(email.maxLength).toBe(254);
  });
});

describe("a slice of the corpus through the offline HTTP front", () => {
  /** What node's HTTP client can put on the wire (and API Gateway would pass on). */
  const sendable = (testCase: CorpusCase) =>
    // Node's HTTP parser refuses methods it does not know before anything runs; CONNECT opens a tunnel.
    METHODS.includes(testCase.method) &&
    testCase.method !== "CONNECT" &&
    // Tokens with other scopes would need the issuer's key; the 403 path is the Lambda run's.
    testCase.scopes === undefined &&
    Object.entries(testCase.headers).every(([name, value]) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && /^[\t\x20-\x7e]*$/.test(value) && name !== "host") &&
    /^[\x21-\x7e]*$/.test(testCase.path);

  it("gets the same kinds of answers over HTTP", async () => {
    const apiUrl = inject("apiUrl");
    const tokenResponse = await fetch(`${inject("issuerUrl")}/oauth2/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${inject("issuerClientId")}:${inject("issuerClientSecret")}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials",
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const authorization = { authorization: `Bearer ${token}` };

    const seeded = await fetch(`${apiUrl}/users`, {
      method: "POST",
      headers: { ...authorization, "content-type": "application/json" },
      body: JSON.stringify({ username: `corpus_http_${Date.now() % 1e9}`, name: "Target", email: "http@example.com", age: 40 }),
    });
    expect(seeded.status).toBe(201);
    const user = (await seeded.json()) as Record<string, unknown> & { id: string; username: string; version: number };

    const all = generateCorpus({ id: user.id, username: user.username, version: user.version }).filter(sendable);
    // Every third method case and every twelfth of the rest: each kind of case, in a few seconds.
    const methodCases = all.filter((testCase) => testCase.expect?.includes(405));
    const others = all.filter((testCase) => !testCase.expect?.includes(405));
    const slice = [...methodCases.filter((_, index) => index % 3 === 0), ...others.filter((_, index) => index % 12 === 0)];
    expect(slice.length).toBeGreaterThanOrEqual(100);

    const failures: string[] = [];
    for (const testCase of slice) {
      const body = testCase.body === undefined ? undefined : Buffer.from(testCase.body);
      const response = await rawRequest(`${apiUrl}${testCase.path}`, {
        method: testCase.method,
        // Node frames a GET's body only when told its length.
        headers: { ...(testCase.authorized === false ? {} : authorization), ...(body ? { "content-length": String(body.length) } : {}), ...testCase.headers },
        ...(body ? { body } : {}),
      });
      const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]));
      if (testCase.authorized === false) {
        // The gateway's own refusal, not the API's (SPEC §3): checked in packages/local/test/gateway-errors.test.ts.
        if (response.status !== 401) failures.push(`${testCase.name}: ${response.status} without a token`);
        continue;
      }
      const problems = violations(testCase, response.status, headers, response.body.toString("utf8"));
      if (problems.length > 0) failures.push(`${testCase.name}: ${problems.join("; ")} ${response.body.toString("utf8").slice(0, 100)}`);
    }
    expect(failures).toEqual([]);

    const after = await fetch(`${apiUrl}/users/${user.id}`, { headers: authorization });
    expect(await after.json()).toEqual(user);
  }, 90_000);
});
