import * as z from "zod";
import type { RouteDoc } from "./openapi-route";

const Health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

/** The routes anyone may call, without a token. */
export const publicRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/health",
    operationId: "health",
    tag: "Service",
    summary: "Check that the API answers",
    responses: { 200: { description: "The API is up.", body: Health } },
  },
  {
    method: "GET",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Service",
    summary: "This API's OpenAPI 3.1 document",
    description: "Made from the same zod schemas the routes validate with: feed it to a client generator in any language.",
    responses: { 200: { description: "The OpenAPI document.", contentType: "application/json" } },
  },
  {
    method: "GET",
    path: "/docs",
    operationId: "getDocs",
    tag: "Service",
    summary: "This API reference page",
    description: "Rendered from the OpenAPI document; it loads nothing from the internet.",
    responses: { 200: { description: "An HTML page.", contentType: "text/html" } },
  },
];
