import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { CreateUserInput, User } from "@users/core/users";
import type { OpenApiDocument } from "../src/api/openapi-document";
import { buildOpenApiDocument, routeDocs, toOpenApiPath } from "../src/api/openapi";
import { renderDocsPage } from "../src/api/routes/docs-page";
import { routeScopes } from "../src/api/scopes";
import { createTestApp } from "./support/app";

let app: Awaited<ReturnType<typeof createTestApp>>["app"];
let document: OpenApiDocument;

beforeAll(async () => {
  ({ app } = await createTestApp());
  // Through the route, as a client would get it; no token: the document is public.
  const response = await app.request("/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  document = (await response.json()) as OpenApiDocument;
});

/** The app's own routes, `GET /users/{id}` style; middleware registers as `ALL`. */
const appRoutes = () => [...new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${toOpenApiPath(route.path)}`))];

const documentedRoutes = () =>
  Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has every $ref pointing at a schema it defines", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const name = /"#\/components\/schemas\/([^"]+)"$/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(document.components.schemas, ref).toHaveProperty([name!]);
    }
  });

  it("documents every route of the app, and nothing the app does not serve", () => {
    const routes = appRoutes();
    // Guards against comparing two empty lists.
    expect(routes).toEqual(expect.arrayContaining(["GET /health", "POST /users", "GET /openapi.json", "GET /docs"]));
    expect(documentedRoutes().sort()).toEqual(routes.sort());
  });

  it("gives each route the scope the API enforces, and none to the public ones", () => {
    for (const route of app.routes.filter((route) => route.method !== "ALL")) {
      const operation = document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];
      const scope = routeScopes[`${route.method} ${route.path}`];
      if (scope) {
        expect(operation?.security, `${route.method} ${route.path}`).toEqual([{ bearerAuth: [scope] }, { oauth2: [scope] }]);
        expect(operation?.responses).toHaveProperty(["401"]);
        expect(operation?.responses).toHaveProperty(["403"]);
      } else {
        expect(operation?.security, `${route.method} ${route.path} is public`).toEqual([]);
      }
    }
    const oauth = document.components.securitySchemes.oauth2 as { flows: { clientCredentials: { scopes: Record<string, string> } } };
    expect(Object.keys(oauth.flows.clientCredentials.scopes).sort()).toEqual(["likes:write", "users:read", "users:write"]);
  });

  it("describes every error status with the problem+json schema", () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        expect(statuses, `${method} ${path}`).toContain("500");
        expect(statuses.some((status) => status.startsWith("2") || status.startsWith("3")), `${method} ${path}`).toBe(true);
        for (const status of statuses.filter((status) => Number(status) >= 400)) {
          // 401 comes from API Gateway's JWT authorizer, in the gateway's own shape (SPEC §3).
          expect(operation.responses[status]?.content, `${method} ${path} ${status}`).toEqual(
            status === "401"
              ? { "application/json": { schema: { $ref: "#/components/schemas/GatewayError" } } }
              : { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
          );
        }
      }
    }
    expect(document.components.schemas.Problem).toMatchObject({ required: ["type", "title", "status", "detail", "requestId"] });
  });

  it("takes its schemas from the zod schemas the routes validate with", () => {
    const { $schema: _, ...user } = z.toJSONSchema(User, { io: "output" }).$defs!.User as Record<string, unknown>;
    expect(document.components.schemas.User).toEqual(user);
    expect(document.components.schemas.CreateUserInput).toMatchObject({ additionalProperties: false, required: ["username", "name", "email", "age"] });
    expect(document.paths["/users"]?.post?.requestBody?.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/CreateUserInput" });
    expect(document.paths["/users/{id}"]?.patch?.parameters?.map((p) => `${p.in} ${p.name} ${p.required}`)).toEqual(["path id true", "header if-match false"]);
    expect(CreateUserInput.safeParse(document.paths["/users"]?.post?.requestBody?.content["application/json"]?.example).success).toBe(true);
  });

  it("has examples that the routes would accept", () => {
    for (const route of routeDocs) {
      const request = route.request ?? {};
      const where = `${route.method} ${route.path}`;
      if (request.body) expect(request.body.safeParse(request.bodyExample).error, where).toBeUndefined();
      for (const [name, value] of Object.entries(request.examples ?? {})) {
        const shape = { ...request.params?.shape, ...request.query?.shape, ...request.headers?.shape } as Record<string, z.ZodType>;
        expect(shape[name], `${where}: ${name} is not a parameter`).toBeDefined();
        expect(shape[name]!.safeParse(value).error, `${where}: ${name}`).toBeUndefined();
      }
    }
  });

  it("refuses to document a route that is neither public nor scoped", () => {
    expect(() =>
      buildOpenApiDocument([{ method: "GET", path: "/secret", operationId: "secret", tag: "x", summary: "x", responses: { 200: { description: "x" } } }]),
    ).toThrow(/neither public nor listed in routeScopes/);
  });
});

describe("GET /docs", () => {
  it("is an HTML page that may run only its own inline style and script", async () => {
    const response = await app.request("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
    const page = await response.text();
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
  });

  it("escapes everything it shows", async () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const page = await renderDocsPage(
      buildOpenApiDocument([{ method: "GET", path: "/health", operationId: "health", tag: hostile, summary: hostile, description: `\`${hostile}\``, responses: { 200: { description: hostile } } }]),
    );
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});
