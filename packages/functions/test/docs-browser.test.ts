import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toOpenApiPath } from "../src/api/openapi";
import { routeScopes } from "../src/api/scopes";
import { createTestApp } from "./support/app";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`docs-browser.test.ts: SKIPPED, ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`);

let app: Awaited<ReturnType<typeof createTestApp>>["app"];
let server: ServerType | undefined;
let baseUrl: string;
let browser: Browser | undefined;

beforeAll(async () => {
  ({ app } = await createTestApp());
  // A real HTTP server on loopback, so the page loads exactly as from `npm run dev`.
  baseUrl = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
  });
  if (hasChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return protocol === "data:" || protocol === "about:" || ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
};

describe("GET /docs in headless Chromium", () => {
  it.skipIf(!hasChromium)(`shows every route with its scope and a curl example, loading nothing from off this machine${hasChromium ? "" : ` (skipped: ${CHROMIUM} is absent)`}`, async () => {
    const page = await browser!.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    // Nothing may leave the machine even if the page tried: the assertion below says whether it did.
    await page.route((url) => !isLoopback(url.href), (route) => route.abort());

    const response = await page.goto(`${baseUrl}/docs`, { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    await expect(page.title()).resolves.toMatch(/reference/);

    const routes = app.routes.filter((route) => route.method !== "ALL");
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const label = `${route.method} ${toOpenApiPath(route.path)}`;
      const section = page.locator(`article[data-route="${label}"]`);
      await section.waitFor({ state: "visible" });
      const heading = (await section.locator("h3").innerText()).replace(/\s+/g, " ");
      expect(heading, label).toContain(label);
      expect(heading, label).toContain(routeScopes[`${route.method} ${route.path}`] ?? "public");
      expect(await section.locator("pre code").innerText(), label).toMatch(/^curl /);
      expect(await page.locator(`nav a:has-text("${toOpenApiPath(route.path)}")`).count(), label).toBeGreaterThan(0);
    }

    // The inline script ran, so the Content-Security-Policy hash matches it.
    const copy = page.locator('article[data-route="POST /users"] button.copy');
    await copy.click();
    await expect.poll(() => copy.innerText()).not.toBe("Copy");

    expect(problems).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !isLoopback(url))).toEqual([]);
    await page.close();
  });
});
