import { spawn } from "node:child_process";
import { join } from "node:path";
import { manifest } from "../../../../infra/manifest";
import { issuerUrl } from "../auth/defaults";
import { repoRoot } from "../paths";
import { assertPortFree, freePort } from "../ports";
import { loopbackChildEnv, superviseChild } from "../servers/node-child";
import { need } from "./context";
import type { StartContext } from "./context";
import type { StartOptions } from "./options";
import type { Step } from "./steps";

/** `WEB_PORT` overrides the default; its origin joins the issuer's allow-lists and the CORS rules. */
export const webPortSetting = { env: "WEB_PORT", default: 5173, label: "the web console" } as const;

/**
 * The browser origins this runtime answers: the manifest's (`web.localOrigins`), the caller's, and
 * the console's own when it serves one on another port. Decided before any server starts, since the
 * issuer's redirect allow-list and the API's and bucket's CORS rules are built from it.
 */
export async function resolveConsole(options: StartOptions, env: NodeJS.ProcessEnv): Promise<{ port: number | undefined; origins: string[] }> {
  let port: number | undefined;
  if (options.console) {
    const asked = typeof options.console === "object" ? options.console.port : undefined;
    const given = asked ?? (options.ports === "free" ? 0 : env[webPortSetting.env] ? Number(env[webPortSetting.env]) : undefined);
    if (given !== undefined && (!Number.isInteger(given) || given < 0 || given > 65535)) {
      throw new Error(`${webPortSetting.env} must be a TCP port (0-65535), got "${env[webPortSetting.env]}"`);
    }
    // A port asked for is that port or an error (strictPort); the default gives way to a free one when
    // taken (a second `npm run dev`, another Vite app), and the banner prints where the console went.
    port = given === undefined ? await defaultOrFree(webPortSetting.default) : given === 0 ? await freePort() : given;
  }
  const own = port === undefined ? [] : [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return { port, origins: [...new Set([...manifest.web.localOrigins, ...(options.consoleOrigins ?? []), ...own])] };
}

/** The console's build-time settings, as the deployed StaticSite injects them, here pointing at this runtime. */
export function consoleEnv(apiUrl: string, issuerUrl: string, clientId: string): Record<string, string> {
  const { env } = manifest.web;
  return {
    [env.apiUrl]: apiUrl,
    [env.issuer]: issuerUrl,
    [env.clientId]: clientId,
    [env.scopes]: manifest.web.scopes.join(" "),
  };
}

async function defaultOrFree(port: number): Promise<number> {
  try {
    await assertPortFree(port, webPortSetting.label);
    return port;
  } catch {
    return freePort();
  }
}

/**
 * The child that runs Vite's dev server, plain JavaScript under plain Node. In this process, Vite's
 * modules would load through tsx's loader hooks: about 2 CPU-seconds to import it, against 0.4
 * without (measured on the 2-core host), on a start that is bound by CPU. Its log lines, listening and
 * failure come back over IPC; it exits when its parent goes, even on SIGKILL, as the channel closes.
 */
const childProgram = `
const settings = JSON.parse(process.env.USERS_WEB_SETTINGS);
const { createServer } = await import(settings.vite);
const send = (message) => process.send?.(message);
const warned = new Set();
let hadError = false;
const customLogger = {
  hasWarned: false,
  info: (message) => send({ type: "log", level: "info", message }),
  warn: (message) => send({ type: "log", level: "warn", message }),
  warnOnce: (message) => {
    if (warned.has(message)) return;
    warned.add(message);
    send({ type: "log", level: "warn", message });
  },
  error: (message) => {
    hadError = true;
    send({ type: "log", level: "error", message });
  },
  clearScreen: () => undefined,
  hasErrorLogged: () => hadError,
};
const server = await createServer({ ...settings.config, customLogger });
// Vite pre-transforms the console's files as soon as it listens (server.warmup in its config): about
// half a CPU-second that the runtime's own start needs on 2 cores. Held back until the runtime is
// ready, then done the way Vite does it.
const client = server.environments.client;
const warmupPatterns = client.config.dev.warmup;
client.config.dev.warmup = [];
const warmup = async () => {
  const { glob } = await import(settings.tinyglobby);
  // Relative to the console's root, with forward slashes: its module URLs.
  const files = await glob(warmupPatterns, { cwd: server.config.root, ignore: ["**/node_modules/**"] });
  await Promise.all(files.map((file) => client.warmupRequest("/" + file).catch(() => undefined)));
};
try {
  await server.listen();
} catch (error) {
  send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  await server.close();
  process.exit(1);
}
send({ type: "listening" });
const stop = () => void server.close().finally(() => process.exit(0));
process.on("message", (message) => {
  if (message?.type === "stop") stop();
  if (message?.type === "warmup") void warmup();
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", stop);
`;

type FromViteChild = { type: "log"; level: "info" | "warn" | "error"; message: string } | { type: "listening" } | { type: "failed"; message: string };

/**
 * The web console (packages/web) on Vite's dev server, in a child process: hot reload while editing,
 * pointed at this runtime's API and issuer. Vite loads only when the console is asked for, so tests
 * that start a runtime never pay for it.
 */
export function webStep(ctx: StartContext, port: number): Step {
  return {
    name: `web console (Vite dev server on ${port})`,
    run: async () => {
      if (ctx.options.authorize) throw new Error("the web console needs the runtime's own token issuer (no authorize option)");
      const ports = need(ctx.ports, "ports");
      const env = consoleEnv(`http://127.0.0.1:${ports.api}`, issuerUrl(ports.issuer), manifest.web.localClientId);
      const settings = {
        vite: import.meta.resolve("vite"),
        tinyglobby: import.meta.resolve("tinyglobby"),
        config: {
          configFile: join(repoRoot, "packages/web/vite.config.ts"),
          mode: "development",
          // The runtime's values win over any .env file or shell variable of the same name.
          define: Object.fromEntries(Object.entries(env).map(([name, value]) => [`import.meta.env.${name}`, JSON.stringify(value)])),
          server: { port, strictPort: true, host: "127.0.0.1" },
          clearScreen: false,
        },
      };
      // NODE_ENV is part of the hash of Vite's optimized dependencies: the caller's (vitest sets
      // "test") would make every start after a test run re-optimize them ("vite config has changed").
      const { NODE_ENV: _callers, ...inherited } = loopbackChildEnv(process.env);
      const child = spawn(process.execPath, ["--input-type=module", "--eval", childProgram], {
        cwd: repoRoot,
        env: { ...inherited, USERS_WEB_SETTINGS: JSON.stringify(settings) },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
      child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
      const log = ctx.log;
      const stop = superviseChild(child);
      try {
        await new Promise<void>((resolve, reject) => {
          child.on("message", (message: FromViteChild) => {
            if (message.type === "log") log[message.level](`web: ${strip(message.message)}`);
            else if (message.type === "listening") resolve();
            else reject(new Error(`${webPortSetting.label} could not listen on 127.0.0.1:${port} (${webPortSetting.env}): ${message.message}`));
          });
          child.once("error", reject);
          child.once("exit", (code) => reject(new Error(`the Vite dev server exited (${code}) while starting:\n${output.trim()}`)));
        });
      } catch (error) {
        await stop();
        throw error;
      }
      ctx.consoleUrl = `http://127.0.0.1:${port}/`;
      void ctx.ready.reached.then(() => {
        if (child.connected) child.send({ type: "warmup" });
      });
      return stop;
    },
  };
}

// eslint-disable-next-line no-control-regex
const strip = (message: string) => message.replace(/\x1b\[[0-9;]*m/g, "").trim();
