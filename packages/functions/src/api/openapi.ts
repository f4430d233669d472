import * as z from "zod";
import { manifest } from "../../../../infra/manifest";
import { avatarRouteDocs } from "./openapi-avatars";
import type { OpenApiDocument, Operation, OperationResponse, Parameter } from "./openapi-document";
import { likeRouteDocs } from "./openapi-likes";
import { publicRouteDocs } from "./openapi-public";
import type { RouteDoc } from "./openapi-route";
import { createSchemaComponents } from "./openapi-schema";
import { userRouteDocs } from "./openapi-users";
import { Problem } from "./problem";
import { routeScopes, type Scope } from "./scopes";

/**
 * What API Gateway itself answers before the function runs (its JWT authorizer's 401, its throttle's
 * 429): not problem+json, which is the API's own shape.
 */
const GatewayError = z.object({ message: z.string().max(100) }).meta({ id: "GatewayError" });

/** Documented response headers: bounded like every string (a presigned `Location` fits). */
const RESPONSE_HEADER_MAX = 8192;

/** Every route of the API, as documented. A test checks this list against the app's own routes. */
export const routeDocs: RouteDoc[] = [...publicRouteDocs, ...userRouteDocs, ...likeRouteDocs, ...avatarRouteDocs];

const scopeDescriptions: Record<Scope, string> = {
  "users:read": "Read users and their avatars",
  "users:write": "Create, change and delete users; upload avatars",
  "likes:write": "Like users",
};

export interface OpenApiOptions {
  /** The OAuth 2.0 token endpoint for the client-credentials flow. Default: the offline issuer's. */
  tokenUrl?: string;
}

const OFFLINE_TOKEN_URL = "http://127.0.0.1:3001/oauth2/token";

/** `/users/:id` (Hono) → `/users/{id}` (OpenAPI). */
export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** The OpenAPI 3.1 document of `routes`, with every schema converted from zod. */
export function buildOpenApiDocument(routes: RouteDoc[] = routeDocs, options: OpenApiOptions = {}): OpenApiDocument {
  const schemas = createSchemaComponents();
  const problem = schemas.schema(Problem, "output");
  const gatewayError = schemas.schema(GatewayError, "output");
  const paths: OpenApiDocument["paths"] = {};

  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const operations = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (operations[method]) throw new Error(`${route.method} ${path} is documented twice`);
    operations[method] = operation(route, securityOf(route.method, path, route.path), schemas, problem, gatewayError);
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Users API",
      version: "1.0.0",
      description: [
        "Users with unique usernames, likes counted exactly once per liker, and avatars uploaded straight to storage.",
        "",
        "Every route except `/health`, `/openapi.json` and `/docs` needs `Authorization: Bearer <JWT>` carrying the route's scope.",
        "Every error is `application/problem+json` (RFC 9457) with a `requestId`.",
      ].join("\n"),
    },
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components(),
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token from the issuer: offline `npm run -s token`; deployed, the client-credentials flow below.",
        },
        oauth2: {
          type: "oauth2",
          description: "Client credentials. Deployed, the token URL is the stack's `tokenUrl` output.",
          flows: { clientCredentials: { tokenUrl: options.tokenUrl ?? OFFLINE_TOKEN_URL, scopes: scopeDescriptions } },
        },
      },
    },
  };
}

/** `[]` for a public route; otherwise the scope `routeScopes` enforces, by either scheme. */
function securityOf(method: string, openApiPath: string, honoPath: string): Operation["security"] {
  if ((manifest.api.publicRoutes as readonly string[]).includes(`${method} ${openApiPath}`)) return [];
  const scope = routeScopes[`${method} ${honoPath}`];
  // The API refuses such a route to everyone; documenting it as open would be wrong either way.
  if (!scope) throw new Error(`${method} ${honoPath} is neither public nor listed in routeScopes`);
  return [{ bearerAuth: [scope] }, { oauth2: [scope] }];
}

function operation(
  route: RouteDoc,
  security: Operation["security"],
  schemas: ReturnType<typeof createSchemaComponents>,
  problem: Record<string, unknown>,
  gatewayError: Record<string, unknown>,
): Operation {
  const request = route.request ?? {};
  const parameters = [
    ...parametersOf(request.params, "path"),
    ...parametersOf(request.query, "query"),
    ...parametersOf(request.headers, "header"),
  ];

  const responses: Record<string, OperationResponse> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const body = response.body ? schemas.schema(response.body, "output") : response.contentType ? {} : undefined;
    responses[status] = {
      description: response.description,
      ...(response.headers ? { headers: mapValues(response.headers, (description) => ({ description, schema: { type: "string", maxLength: RESPONSE_HEADER_MAX } })) } : {}),
      ...(body ? { content: { [response.contentType ?? "application/json"]: { schema: body } } } : {}),
    };
  }
  for (const [status, description] of Object.entries(errorsOf(route, security.length === 0))) {
    responses[status] =
      status === "401"
        ? {
            description,
            headers: {
              "WWW-Authenticate": {
                description: 'Why: `Bearer scope="" error="invalid_token" error_description="…"`.',
                schema: { type: "string", maxLength: RESPONSE_HEADER_MAX },
              },
            },
            content: { "application/json": { schema: gatewayError } },
          }
        : { description, content: { "application/problem+json": { schema: problem } } };
  }

  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(request.body
      ? {
          requestBody: {
            required: true as const,
            content: {
              "application/json": {
                schema: schemas.schema(request.body, "input"),
                ...(request.bodyExample === undefined ? {} : { example: request.bodyExample }),
              },
            },
          },
        }
      : {}),
    responses,
  };

  function parametersOf(object: z.ZodObject | undefined, where: Parameter["in"]): Parameter[] {
    if (!object) return [];
    const json = schemas.schema(object, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, { description, ...schema }]) => {
      const example = request.examples?.[name];
      return {
        name,
        in: where,
        // Path parameters are always required (OpenAPI insists); the others as their schema says.
        required: where === "path" || (json.required ?? []).includes(name),
        ...(typeof description === "string" ? { description } : {}),
        schema,
        ...(example === undefined ? {} : { example }),
      };
    });
  }
}

/** The problem+json answers a route can give: the ones common to its kind, then its own. */
function errorsOf(route: RouteDoc, isPublic: boolean): Record<number, string> {
  const request = route.request ?? {};
  const errors: Record<number, string> = {};
  if (request.params || request.query || request.headers || request.body) errors[400] = "The input is invalid; `errors` lists each failing field.";
  if (!isPublic) {
    errors[401] = "The bearer token is missing, invalid or expired. Answered by API Gateway's JWT authorizer, in its own shape: `{\"message\":\"Unauthorized\"}`.";
    errors[403] = "The token lacks this route's scope.";
  }
  if (request.body) errors[413] = "The body is larger than 1 MiB.";
  if (request.body) errors[415] = "The body was not sent as `Content-Type: application/json`.";
  errors[500] = "Something went wrong on our side; quote the `requestId` if you report it.";
  return { ...errors, ...route.errors };
}

const mapValues = <T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));

let document: OpenApiDocument | undefined;

/** The API's document, built on first use and kept for the container's life. */
export const openApiDocument = (): OpenApiDocument => (document ??= buildOpenApiDocument());
