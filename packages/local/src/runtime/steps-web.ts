import { join } from "node:path";
import type { Logger as ViteLogger } from "vite";
import { manifest } from "../../../../infra/manifest";
import type { Logger } from "../log";
import { repoRoot } from "../paths";
import { assertPortFree, freePort } from "../ports";
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
 * The web console (packages/web) on Vite's dev server, in this process: hot reload while editing,
 * pointed at this runtime's API and issuer. Vite loads only when the console is asked for, so tests
 * that start a runtime never pay for it.
 */
export function webStep(ctx: StartContext, port: number): Step {
  return {
    name: `web console (Vite dev server on ${port})`,
    run: async () => {
      const { createServer } = await import("vite");
      const issuer = need(ctx.issuer, "token issuer");
      const apiUrl = `http://127.0.0.1:${need(ctx.ports, "ports").api}`;
      const env = consoleEnv(apiUrl, issuer.url, issuer.consoleClient.id);
      // Vite sets NODE_ENV=development for the whole process if unset: this process also builds and runs other things.
      const nodeEnv = process.env.NODE_ENV;
      const server = await createServer({
        configFile: join(repoRoot, "packages/web/vite.config.ts"),
        mode: "development",
        // The runtime's values win over any .env file or shell variable of the same name.
        define: Object.fromEntries(Object.entries(env).map(([name, value]) => [`import.meta.env.${name}`, JSON.stringify(value)])),
        server: { port, strictPort: true, host: "127.0.0.1" },
        clearScreen: false,
        customLogger: viteLogger(ctx.log),
      });
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      try {
        await server.listen();
      } catch (error) {
        await server.close();
        throw new Error(`${webPortSetting.label} could not listen on 127.0.0.1:${port} (${webPortSetting.env}): ${error instanceof Error ? error.message : String(error)}`);
      }
      ctx.consoleUrl = `http://127.0.0.1:${port}/`;
      return () => server.close();
    },
  };
}

/** Vite's messages as runtime log lines: warnings and errors always, its chatter (HMR updates) as info. */
function viteLogger(log: Logger): ViteLogger {
  const warned = new Set<string>();
  let hadError = false;
  return {
    hasWarned: false,
    info: (message) => log.info(`web: ${strip(message)}`),
    warn: (message) => log.warn(`web: ${strip(message)}`),
    warnOnce: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      log.warn(`web: ${strip(message)}`);
    },
    error: (message) => {
      hadError = true;
      log.error(`web: ${strip(message)}`);
    },
    clearScreen: () => undefined,
    hasErrorLogged: () => hadError,
  };
}

// eslint-disable-next-line no-control-regex
const strip = (message: string) => message.replace(/\x1b\[[0-9;]*m/g, "").trim();
