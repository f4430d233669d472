/**
 * The web console (packages/web): how much JavaScript a first visit downloads, and how soon the
 * first users are on screen.
 *
 * - Initial JavaScript: the production build's entry chunk and every chunk it imports statically
 *   (read from Vite's manifest), gzip as a CDN serves it. Beside it, in the same run, the framework
 *   floor: React 19 + react-dom + TanStack Query rendering one query, built the same way.
 * - Navigation → first users rendered, in headless Chromium against a started offline runtime, signed
 *   in (tokens placed in sessionStorage, as after a sign-in): the production build served from
 *   loopback, the Vite dev server `npm run dev` serves, and beside them a plain HTML page that
 *   fetches the same page of users with no framework at all.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { createMemoryLogger, start, type Runtime } from "../packages/local/src/index";
import { consoleEnv } from "../packages/local/src/runtime/steps-web";
import { listenOnLoopback } from "../packages/local/src/ports";
import { repoRoot } from "./bundle";
import { checkGoal, type Row, type Section } from "./report";
import { formatBytes, formatSummary, round, summarize } from "./stats";

const execFileAsync = promisify(execFile);
const CHROMIUM = "/usr/bin/chromium";
const webRoot = join(repoRoot, "packages/web");
const NAVIGATIONS = 10;
const DEV_NAVIGATIONS = 5;
const USERS = 20;
const goalKiB = 80;

interface ViteManifestEntry {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

interface Weighed {
  initialGzip: number;
  initialRaw: number;
  initialFiles: string[];
  lazyGzip: number;
  cssGzip: number;
}

/** Vite builds React's development bundle when NODE_ENV says so: a production build, whatever the process has. */
async function production<T>(run: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

/**
 * Builds the console with these settings into `outDir`, as its own `vite build` does (a child
 * process: this one also runs the offline runtime's Vite dev server, whose development JSX
 * transform must not leak into a production build); returns what a first visit downloads.
 */
async function buildConsole(outDir: string, env: Record<string, string>): Promise<Weighed> {
  await execFileAsync(process.execPath, [join(repoRoot, "node_modules/vite/bin/vite.js"), "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
    cwd: webRoot,
    env: { ...process.env, ...env, NODE_ENV: "production" },
  });
  const manifest = JSON.parse(await readFile(join(outDir, ".vite/manifest.json"), "utf8")) as Record<string, ViteManifestEntry>;
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error("the console's build has no entry in .vite/manifest.json");
  // The entry and its static imports, transitively: what loads before anything renders.
  const initial = new Set<string>();
  const visit = (key: string) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  visit(entryKey);
  const sizes = async (file: string) => {
    const bytes = await readFile(join(outDir, file));
    return { raw: bytes.length, gzip: gzipSync(bytes).length };
  };
  const weighed: Weighed = { initialGzip: 0, initialRaw: 0, initialFiles: [], lazyGzip: 0, cssGzip: 0 };
  const files = new Set(Object.values(manifest).map((entry) => entry.file));
  for (const file of files) {
    if (!file.endsWith(".js")) continue;
    const size = await sizes(file);
    const key = Object.keys(manifest).find((k) => manifest[k]?.file === file)!;
    if (initial.has(key)) {
      weighed.initialGzip += size.gzip;
      weighed.initialRaw += size.raw;
      weighed.initialFiles.push(file);
    } else weighed.lazyGzip += size.gzip;
  }
  for (const entry of Object.values(manifest)) {
    for (const css of (entry as { css?: string[] }).css ?? []) weighed.cssGzip += (await sizes(css)).gzip;
  }
  return weighed;
}

/** React 19 + react-dom + TanStack Query showing one query: what any console on this stack starts from. */
async function frameworkFloorGzip(): Promise<number> {
  const { build } = await import("vite");
  const floor = [
    'import { createElement } from "react";',
    'import { createRoot } from "react-dom/client";',
    'import { QueryClient, QueryClientProvider, useMutation, useQuery } from "@tanstack/react-query";',
    "function App() {",
    '  const q = useQuery({ queryKey: ["n"], queryFn: async () => 1 });',
    "  const m = useMutation({ mutationFn: async () => 1 });",
    '  return createElement("p", null, String(q.data) + m.status);',
    "}",
    'createRoot(document.body).render(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(App)));',
  ].join("\n");
  const output = await build({
    root: webRoot,
    configFile: false,
    mode: "production",
    logLevel: "silent",
    plugins: [{ name: "floor", resolveId: (id) => (id === "floor-entry" ? "\0floor-entry" : undefined), load: (id) => (id === "\0floor-entry" ? floor : undefined) }],
    build: { write: false, target: "es2022", rolldownOptions: { input: "floor-entry" } },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as { output: { type: string; code?: string }[] }[];
  return outputs.flatMap((o) => o.output).reduce((sum, chunk) => sum + (chunk.type === "chunk" && chunk.code ? gzipSync(chunk.code).length : 0), 0);
}

const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

/** The built console from loopback, as a static host would serve it (index.html for unknown paths). */
function staticServer(dir: () => string): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const file = path.startsWith("/assets/") || path === "/plain.html" ? join(dir(), path) : join(dir(), "index.html");
    readFile(file).then(
      (body) => {
        response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
}

/** The floor for time-to-users: one fetch and a list, no framework, no chunks. */
const plainPage = (apiUrl: string) => `<!doctype html><meta charset="utf-8"><title>plain</title><ul class="user-list"></ul>
<script type="module">
const { accessToken } = JSON.parse(sessionStorage.getItem("users-console.tokens"));
const page = await (await fetch(${JSON.stringify(apiUrl)} + "/users?limit=10", { headers: { authorization: "Bearer " + accessToken } })).json();
document.querySelector("ul").innerHTML = page.items.map((u) => "<li>" + u.name + "</li>").join("");
</script>`;

/** ms from navigation start until the first user's row is in the DOM, for each of `count` fresh visits. */
async function timeToUsers(browser: Browser, url: string, token: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    // A fresh context each time: no HTTP cache, no sessionStorage but the tokens placed below.
    const context = await browser.newContext();
    await context.addInitScript((accessToken: string) => {
      sessionStorage.setItem("users-console.tokens", JSON.stringify({ accessToken, expiresAt: Date.now() + 3_600_000 }));
      new MutationObserver((_, observer) => {
        if (document.querySelector(".user-list li")) {
          (window as unknown as { firstUsersAt: number }).firstUsersAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    }, token);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("requestfailed", (request) => problems.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(url);
    await page.waitForSelector(".user-list li", { timeout: 30_000 }).catch(async (error: Error) => {
      // What the page shows and said, so a failed run says why instead of only "timeout".
      const shown = (await page.locator("body").innerText().catch(() => "")).slice(0, 300);
      throw new Error(`${url}: no user rendered (${error.message.split("\n")[0]}); page shows: ${JSON.stringify(shown)}; errors: ${problems.join(" | ") || "none"}`);
    });
    samples.push(await page.evaluate(() => (window as unknown as { firstUsersAt: number }).firstUsersAt));
    await context.close();
  }
  return samples;
}

export async function runConsoleBench(): Promise<Section> {
  const title = "Web console: initial JavaScript and time to first users";
  if (!existsSync(CHROMIUM)) return { title, rows: [], notes: [], goals: [], unavailable: `${CHROMIUM} is absent (apt-get install chromium)` };

  const outDir = await mkdtemp(join(tmpdir(), "console-bench-"));
  const server = staticServer(() => outDir);
  let runtime: Runtime | undefined;
  let browser: Browser | undefined;
  try {
    const staticOrigin = `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
    runtime = await start({ inMemory: true, ports: "free", console: { port: 0 }, consoleOrigins: [staticOrigin], logger: createMemoryLogger() });
    const issuer = runtime.issuer!;
    const env = consoleEnv(runtime.apiUrl, issuer.url, issuer.consoleClient.id);
    const weighed = await buildConsole(outDir, env);
    const floor = await production(frameworkFloorGzip);
    await writeFile(join(outDir, "plain.html"), plainPage(runtime.apiUrl));

    const token = await issuer.sign({ sub: "bench", username: "bench", clientId: issuer.consoleClient.id });
    for (let i = 0; i < USERS; i++) {
      const response = await fetch(`${runtime.apiUrl}/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ username: `bench_${i}`, name: `Bench User ${i}`, email: `bench${i}@example.com`, age: 30 }),
      });
      if (response.status !== 201) throw new Error(`seeding users: ${response.status} ${await response.text()}`);
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    // Interleaved rounds, so drift on a shared machine hits the three alike.
    const built: number[] = [];
    const plain: number[] = [];
    const devFirst = await timeToUsers(browser, runtime.consoleUrl!, token, 1);
    const dev: number[] = [];
    for (let i = 0; i < NAVIGATIONS; i++) {
      built.push(...(await timeToUsers(browser, `${staticOrigin}/`, token, 1)));
      plain.push(...(await timeToUsers(browser, `${staticOrigin}/plain.html`, token, 1)));
      if (i < DEV_NAVIGATIONS) dev.push(...(await timeToUsers(browser, runtime.consoleUrl!, token, 1)));
    }
    const builtSummary = summarize(built);
    const plainSummary = summarize(plain);
    const kib = (bytes: number) => bytes / 1024;
    const rows: Row[] = [
      {
        figure: "initial JavaScript, gzip (entry + its static imports)",
        value: `${formatBytes(weighed.initialGzip)} (${formatBytes(weighed.initialRaw)} raw, ${weighed.initialFiles.length} file${weighed.initialFiles.length === 1 ? "" : "s"})`,
        baseline: `${formatBytes(floor)} (React 19 + react-dom + TanStack Query, one query)`,
        ratio: `${round(weighed.initialGzip / floor)}×`,
        goal: `≤ ${goalKiB} KiB (issue 15)`,
      },
      { figure: "loaded when opened (other screens, forms with zod, sign-in with oauth4webapi), gzip", value: formatBytes(weighed.lazyGzip) },
      { figure: "CSS, gzip", value: formatBytes(weighed.cssGzip) },
      {
        figure: "navigation → first users rendered, production build",
        value: formatSummary(builtSummary, "ms"),
        baseline: `${formatSummary(plainSummary, "ms")} (plain page: one fetch, no framework)`,
        ratio: `${round(builtSummary.median / plainSummary.median)}×`,
      },
      { figure: "navigation → first users rendered, `npm run dev` (Vite dev server), first visit", value: `${round(devFirst[0] ?? Number.NaN)} ms` },
      { figure: "navigation → first users rendered, `npm run dev`, later visits", value: formatSummary(summarize(dev), "ms") },
    ];
    return {
      title,
      rows,
      notes: [
        `Initial chunks: ${weighed.initialFiles.join(", ")}; gzip at zlib's default level. The framework floor is built in the same run with the same Vite and target.`,
        `Each visit is a fresh browser context (no cache) with the access token already in sessionStorage; the time is the page's own performance.now() when the first row appears. ${USERS} users in the table, a page of 10 shown; production build and plain page served from loopback by the bench, interleaved over ${NAVIGATIONS} rounds.`,
        "The dev server's first visit includes Vite transforming the modules; later visits reuse its cache (not the browser's).",
      ],
      goals: [checkGoal(`console initial JavaScript ≤ ${goalKiB} KiB gzip`, kib(weighed.initialGzip), goalKiB, (v) => `${round(v)} KiB`)],
    };
  } finally {
    await browser?.close();
    await runtime?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsoleBench().then(
    (section) => {
      console.log(JSON.stringify(section, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
