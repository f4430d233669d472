/**
 * Creates demo users through the typed client: `npm run seed -- --count 50`.
 * Against the offline runtime by default (`npm run dev`), signing its own token with the local
 * issuer's key; give `--url` and `--token` for any other deployment.
 */
import { parseArgs } from "node:util";
import { createClient, isApiError, retryingFetch, unwrap, type UsersClient } from "@users/client";
import { manifest } from "../infra/manifest";
import { createTokenSigner, defaultDataDir, issuerPortFromEnv, issuerUrl, loadOrCreateIssuerKey } from "../packages/local/src/auth";

const defaultUrl = `http://127.0.0.1:${process.env.PORT || 3000}`;

const usage = `Usage: npm run seed -- [--count <n>] [--url <api url>] [--token <jwt>] [--concurrency <n>]

Creates <n> demo users (default 20) through the API.

  --count <n>          how many users (1-10000, default 20)
  --url <url>          the API (default ${defaultUrl}: npm run dev; PORT changes it)
  --token <jwt>        a bearer token with users:write (default: $TOKEN, else one signed
                       with the local issuer's key in .data/issuer/, as npm run token does)
  --concurrency <n>    requests in flight (1-32, default 4)
  -h, --help           show this help`;

const firstNames = ["ada", "alan", "grace", "edsger", "barbara", "donald", "frances", "ken", "margaret", "john", "radia", "tim", "hedy", "linus", "katherine", "dennis"];
const lastNames = ["lovelace", "turing", "hopper", "dijkstra", "liskov", "knuth", "allen", "thompson", "hamilton", "backus", "perlman", "lee", "lamarr", "torvalds", "johnson", "ritchie"];

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "20" },
      url: { type: "string", default: defaultUrl },
      token: { type: "string" },
      concurrency: { type: "string", default: "4" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return console.log(usage);

  const count = integerIn(values.count, 1, 10_000, "--count");
  const concurrency = integerIn(values.concurrency, 1, 32, "--concurrency");
  const baseUrl = apiUrl(values.url);
  const token = values.token ?? process.env.TOKEN ?? (await localToken(baseUrl));

  const client = createClient({ baseUrl, token, fetch: retryingFetch() });
  await checkReachable(baseUrl);

  // Makes usernames unique per run, so seeding twice adds users instead of colliding.
  const run = Date.now().toString(36).slice(-5);
  const progress = createProgress(count);
  let next = 0;
  let stopped = false;
  const failures: string[] = [];
  const worker = async () => {
    while (next < count && !stopped) {
      const index = next++;
      try {
        await createDemoUser(client, index, run);
        progress.created();
      } catch (error) {
        // A refusal of one user does not stop the others; a missing scope stops everything below.
        failures.push(isApiError(error) ? `${error.status} ${error.problem.detail}` : String(error));
        progress.failed();
        if (isApiError(error, [401, 403])) {
          stopped = true;
          throw error;
        }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  progress.done(((performance.now() - started) / 1000).toFixed(1), baseUrl);

  if (failures.length > 0) {
    console.error(`${failures.length} failed, e.g.: ${[...new Set(failures)].slice(0, 3).join(" | ")}`);
    process.exitCode = 1;
  }
}

function createDemoUser(client: UsersClient, index: number, run: string) {
  const first = firstNames[index % firstNames.length]!;
  const last = lastNames[Math.floor(index / firstNames.length) % lastNames.length]!;
  const username = `${first}_${last}_${run}${index}`.slice(0, 30);
  const name = `${capitalize(first)} ${capitalize(last)}`;
  return unwrap(client.users.$post({ json: { username, name, email: `${username}@example.com`, age: 18 + ((index * 7) % 60) } }));
}

/** Offline only: a short-lived token from the local issuer's key, so `npm run seed` needs no setup. */
async function localToken(baseUrl: string): Promise<string> {
  const { hostname } = new URL(baseUrl);
  if (hostname !== "127.0.0.1" && hostname !== "localhost") {
    throw new UsageError(`${baseUrl} is not the offline runtime: pass --token (or TOKEN) with the users:write scope`);
  }
  const key = await loadOrCreateIssuerKey(defaultDataDir);
  const sign = createTokenSigner({ key, issuer: issuerUrl(issuerPortFromEnv()), audience: manifest.auth.localAudience });
  return sign({ sub: "seed-script", scope: "users:write", expiresIn: "15m" });
}

async function checkReachable(baseUrl: string): Promise<void> {
  const health = await fetch(`${baseUrl}/health`).catch(() => undefined);
  if (!health?.ok) {
    const hint = baseUrl === defaultUrl ? " Is `npm run dev` running?" : "";
    throw new Error(`the API at ${baseUrl} does not answer GET /health${health ? ` (got ${health.status})` : ""}.${hint}`);
  }
}

/** One line that updates in place on a terminal; a line per 10% when piped to a file or CI log. */
function createProgress(total: number) {
  let created = 0;
  let failed = 0;
  let lastDecile = 0;
  const tty = process.stdout.isTTY;
  const report = () => {
    const line = `seeding: ${created + failed}/${total} (${created} created${failed ? `, ${failed} failed` : ""})`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (Math.floor(((created + failed) * 10) / total) > lastDecile || created + failed === total) {
      lastDecile = Math.floor(((created + failed) * 10) / total);
      console.log(line);
    }
  };
  return {
    created: () => (created++, report()),
    failed: () => (failed++, report()),
    done: (seconds: string, baseUrl: string) => {
      if (tty) process.stdout.write("\n");
      console.log(`created ${created} users in ${seconds}s at ${baseUrl}`);
    },
  };
}

function apiUrl(text: string): string {
  try {
    return new URL(text).href.replace(/\/+$/, "");
  } catch {
    throw new UsageError(`--url must be a URL such as ${defaultUrl} (got "${text}")`);
  }
}

function integerIn(text: string, min: number, max: number, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

const capitalize = (word: string) => word[0]!.toUpperCase() + word.slice(1);

main().catch((error: unknown) => {
  const usageProblem = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  console.error(usageProblem ? `${(error as Error).message}\n\n${usage}` : isApiError(error) ? `\n${error.message}` : String(error instanceof Error ? error.message : error));
  process.exitCode = usageProblem ? 2 : 1;
});
