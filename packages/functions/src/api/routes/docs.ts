import { Hono } from "hono";
import type { ApiEnv } from "../env";
import { openApiDocument } from "../openapi";
import { contentSecurityPolicy } from "./docs-page-assets";
import { renderDocsPage } from "./docs-page";

// Built on the first request and kept for the container's life: the document never changes at runtime.
let json: string | undefined;
let page: Promise<string> | undefined;

const cacheFor5Minutes = "public, max-age=300";

export const docsRoutes = () =>
  new Hono<ApiEnv>()
    .get("/openapi.json", (c) => {
      json ??= JSON.stringify(openApiDocument());
      return c.body(json, 200, { "content-type": "application/json; charset=utf-8", "cache-control": cacheFor5Minutes });
    })
    .get("/docs", async (c) => {
      page ??= renderDocsPage(openApiDocument());
      return c.html(await page, 200, {
        "cache-control": cacheFor5Minutes,
        "content-security-policy": contentSecurityPolicy,
        "x-content-type-options": "nosniff",
      });
    });
