import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryLogger, start, type Runtime } from "@users/local";

/**
 * The console in headless Chromium, against a whole offline runtime that serves it on Vite's dev
 * server as `npm run dev` does: sign in at the local issuer (code + PKCE), create, edit through a
 * forced 412, like, upload an avatar, delete, sign out — and an axe-core scan of every screen.
 * UPDATE_SCREENSHOTS=1 also writes docs/screenshots/*.png for the README.
 */

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`console-browser.test.ts: SKIPPED, ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`);

const screenshotsDir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
const updateScreenshots = process.env.UPDATE_SCREENSHOTS === "1";
const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let runtime: Runtime;
let browser: Browser;
let page: Page;
let consoleUrl: string;
const problems: string[] = [];
const axeResults: Record<string, string[]> = {};
const username = `ada_${Date.now().toString(36)}`;
let userId = "";

beforeAll(async () => {
  if (!hasChromium) return;
  runtime = await start({ inMemory: true, ports: "free", console: { port: 0 }, queueVisibilityTimeoutSeconds: 2, logger: createMemoryLogger() });
  consoleUrl = runtime.consoleUrl!;
  // The subscribers load their code while the browser signs in, rather than on the first like or upload.
  void runtime.functions.likes.warm();
  void runtime.functions.uploads.warm();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    // Chromium logs every non-2xx response; the 412 and the 404 below are on purpose.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(message.text());
  });
  if (updateScreenshots) await mkdir(screenshotsDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

/** axe-core in the page; only serious and critical violations fail, the rest are recorded. */
async function scan(screen: string): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  axeResults[screen] = violations.map((v) => `${v.impact} ${v.id}`);
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical"), `axe on ${screen}`).toEqual([]);
}

async function shoot(name: string, options: { width?: number } = {}): Promise<void> {
  if (!updateScreenshots) return;
  const size = page.viewportSize()!;
  if (options.width) await page.setViewportSize({ width: options.width, height: 800 });
  await page.screenshot({ path: `${screenshotsDir}${name}.png`, fullPage: true });
  if (options.width) await page.setViewportSize(size);
}

const api = async (path: string, init: RequestInit = {}) => {
  const token = await runtime.issuer!.sign({ sub: "someone_else" });
  return fetch(`${runtime.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers } });
};

// Each step waits on real servers (Vite's first transform, a subscriber's cold start): room for a busy machine.
describe.skipIf(!hasChromium).sequential("the web console in headless Chromium", { timeout: 60_000 }, () => {
  it("signs in at the issuer with the authorization code flow and PKCE", async () => {
    await page.goto(consoleUrl);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await scan("sign-in");
    await shoot("sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.href.startsWith(runtime.issuerUrl!));
    await page.getByRole("button", { name: "Sign in as alice" }).click();
    await expect.poll(() => page.getByTestId("subject").textContent().catch(() => null), { timeout: 15_000 }).toBe("alice");
    // The code is gone from the address bar; the tokens live in this tab's sessionStorage only.
    expect(new URL(page.url()).search).toBe("");
    const stored = JSON.parse((await page.evaluate(() => sessionStorage.getItem("users-console.tokens"))) ?? "{}") as { refreshToken?: string };
    expect(stored.refreshToken).toBeTruthy();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it("creates a user, checking the fields with the API's own schema first", async () => {
    await page.getByRole("link", { name: "New user" }).click();
    await page.getByLabel("Username", { exact: true }).fill("Not Valid");
    await page.getByLabel("Name", { exact: true }).fill("Ada Lovelace");
    await page.getByLabel("Age", { exact: true }).fill("12");
    await page.getByLabel("Email", { exact: true }).focus();
    await expect.poll(() => page.getByText("use only lowercase letters, digits and _").count()).toBe(1);
    await expect.poll(() => page.getByText(/expected number to be >=18/).count()).toBe(1);
    await scan("create (with errors)");
    await shoot("create");

    await page.getByLabel("Username", { exact: true }).fill(username);
    await page.getByLabel("Email", { exact: true }).fill("ada@example.com");
    await page.getByLabel("Age", { exact: true }).fill("36");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    userId = new URL(page.url()).hash.replace("#/users/", "");
    expect(userId).toMatch(/^[0-9A-Z]{26}$/);
    await scan("user");
  });

  it("shows the API's problem (title, detail, request id) for a username that is taken", async () => {
    await page.goto(`${consoleUrl}#/new`);
    await page.getByLabel("Username", { exact: true }).fill(username);
    await page.getByLabel("Name", { exact: true }).fill("Ada Again");
    await page.getByLabel("Email", { exact: true }).fill("ada2@example.com");
    await page.getByLabel("Age", { exact: true }).fill("40");
    await page.getByRole("button", { name: "Create user" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Not created: Conflict \(409\)/);
    expect(await alert.getByTestId("request-id").textContent()).toMatch(/\S{8,}/);
    await scan("error");
  });

  it("lists users newest first and finds one by username", async () => {
    for (const [name, handle] of [["Grace Hopper", "grace"], ["Alan Turing", "alan"]] as const) {
      const created = await api("/users", { method: "POST", body: JSON.stringify({ username: `${handle}_${Date.now().toString(36)}`, name, email: `${handle}@example.com`, age: 45 }) });
      expect(created.status).toBe(201);
    }
    await page.goto(`${consoleUrl}#/`);
    const list = page.getByRole("list", { name: /Users, page 1/ });
    await list.getByText("Ada Lovelace").waitFor();
    expect(await list.locator("li strong").allTextContents()).toEqual(["Alan Turing", "Grace Hopper", "Ada Lovelace"]);
    await scan("users");
    await shoot("users");
    await shoot("users-360", { width: 360 });
    await page.getByLabel("Find by username").fill("nobody_here");
    await page.getByRole("button", { name: "Find" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/Not Found \(404\)/);
    await page.getByLabel("Find by username").fill(username);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    expect(page.url()).toContain(`#/users/${userId}`);
  });

  it("edits with If-Match: a change made meanwhile gives a 412, shown side by side, and re-applying wins", async () => {
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit (version 1)" }).waitFor();
    await scan("edit");
    // Someone else renames the user while the form is open.
    const elsewhere = await api(`/users/${userId}`, { method: "PATCH", body: JSON.stringify({ name: "Ada King" }) });
    expect(elsewhere.status).toBe(200);

    await page.getByLabel("Age", { exact: true }).fill("37");
    await page.getByRole("button", { name: "Save changes" }).click();
    const conflict = page.getByRole("region", { name: "Changed by someone else" });
    await conflict.waitFor();
    expect(await conflict.locator('tr[data-field="name"] td').allTextContents()).toEqual(["Ada Lovelace", "Ada King", "unchanged"]);
    expect(await conflict.locator('tr[data-field="age"] td').allTextContents()).toEqual(["36", "36", "37"]);
    await scan("conflict");
    await shoot("conflict");

    await page.getByRole("button", { name: "Re-apply my changes to version 2" }).click();
    // The heading already reads "Ada King" (the conflict loaded version 2): wait for the save itself.
    await conflict.waitFor({ state: "detached" });
    await page.getByRole("heading", { name: "Ada King" }).waitFor();
    const saved = async () => (await (await api(`/users/${userId}`)).json()) as { name: string; age: number; version: number };
    await expect.poll(async () => (await saved()).version, { timeout: 10_000 }).toBe(3);
    expect(await saved()).toMatchObject({ name: "Ada King", age: 37, version: 3 });
  });

  it("likes: accepted at once, then the count changes once the queue subscriber has counted it", { timeout: 90_000 }, async () => {
    expect(await page.getByTestId("likes").textContent()).toBe("0");
    await page.getByRole("button", { name: /Like/ }).click();
    // The subscriber's first run loads its code (a cold start): generous on a busy machine.
    await expect.poll(() => page.getByTestId("likes").textContent(), { timeout: 60_000 }).toBe("1");
    expect(await page.getByRole("status").filter({ hasText: "Like counted." }).count()).toBe(1);
  });

  it("refuses a file that is not an image before sending it, then uploads a real one and shows its 128 px thumbnail", { timeout: 120_000 }, async () => {
    const input = page.getByLabel(/New avatar/);
    await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") });
    await page.getByText("notes.txt is text/plain: choose a JPEG, PNG or WebP image.").waitFor();
    expect(await page.getByRole("button", { name: "Upload" }).isDisabled()).toBe(true);

    // A real PNG, not square, so the thumbnails are really made (cropped and scaled) by the subscriber.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><defs><linearGradient id="g"><stop offset="0" stop-color="#0b57d0"/><stop offset="1" stop-color="#7e3ff2"/></linearGradient></defs><rect width="400" height="300" fill="url(#g)"/><circle cx="200" cy="150" r="90" fill="#fff" fill-opacity="0.85"/><text x="200" y="180" font-size="90" font-family="sans-serif" text-anchor="middle" fill="#0b57d0">A</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    await input.setInputFiles({ name: "ada.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "Upload" }).click();
    const thumbnail = page.locator('img[data-size="128"]');
    await thumbnail.waitFor({ timeout: 90_000 });
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(128);
    expect(await page.locator('img[data-size="256"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
    // A plain <img>: the URL itself needs no token.
    const src = await thumbnail.getAttribute("src");
    expect((await fetch(new URL(src!, consoleUrl))).status).toBe(200);
    await scan("user with avatar");
    await shoot("user");
  });

  it("refreshes an expired access token with the refresh token", async () => {
    const before = await page.evaluate(() => {
      const key = "users-console.tokens";
      const tokens = JSON.parse(sessionStorage.getItem(key)!) as { accessToken: string; expiresAt: number };
      sessionStorage.setItem(key, JSON.stringify({ ...tokens, expiresAt: Date.now() - 1000 }));
      return tokens.accessToken;
    });
    await page.reload();
    await page.getByRole("heading", { name: "Ada King" }).waitFor();
    const after = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("users-console.tokens")!) as { accessToken: string }).accessToken);
    expect(after).not.toBe(before);
  });

  it("deletes after a confirmation", async () => {
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete @${username}?` });
    await dialog.waitFor();
    await scan("delete confirmation");
    await shoot("delete");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("button", { name: "Delete user" }).click();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    expect((await api(`/users/${userId}`)).status).toBe(404);
  });

  it("signs out: the tokens are gone from the tab and the refresh token no longer works", async () => {
    const { refreshToken } = JSON.parse((await page.evaluate(() => sessionStorage.getItem("users-console.tokens")))!) as { refreshToken: string };
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("users-console.tokens"))).toBeNull();
    const refreshed = await fetch(`${runtime.issuerUrl}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: runtime.issuer!.consoleClient.id }),
    });
    expect(refreshed.status).toBe(400);
    expect(problems).toEqual([]);
    console.info(`axe (violations by screen; none serious or critical): ${JSON.stringify(axeResults)}`);
  });
});
