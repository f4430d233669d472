/**
 * Prints an access token for the offline API: `npm run -s token -- --sub alice --scope "users:read"`.
 * It signs with the local issuer's key under `.data/issuer/` (or `--data-dir`'s; creating it if needed), so it works
 * whether or not `npm run dev` is running, and from any folder (`npm run -s --prefix <repo> token`):
 * every path is the repository's, never the current folder's.
 *
 * `--client-credentials` prints the local issuer's client-credentials settings instead, for a
 * script in another project to fetch its own tokens (`clientCredentialsToken` in @users/client).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  allScopes,
  createTokenSigner,
  DEFAULT_ISSUER_PORT,
  defaultDataDir,
  issuerPortFromEnv,
  issuerUrl,
  loadOrCreateIssuerClient,
  loadOrCreateIssuerKey,
} from "../packages/local/src/auth";
import { manifest } from "../infra/manifest";

const usage = `Usage: npm run -s token -- [--sub <id>] [--scope "<scopes>"] [--expires <span>]

Prints a JWT that the offline API (npm run dev) accepts.

  --sub <id>          subject (default: local-user)
  --scope "<scopes>"  space-separated scopes (default: "${allScopes}");
                      --scope "" for a token without scopes
  --expires <span>    lifetime: seconds, or 30m, 1h, 7d (default: 1h)
  --data-dir <dir>    the data folder of the runtime the token is for, as given to
                      npm run dev -- --data-dir (default: .data/)
  --client-credentials
                      print TOKEN_URL, CLIENT_ID and CLIENT_SECRET of the local issuer's
                      client instead, for scripts that fetch their own tokens:
                      export $(npm run -s --prefix <repo> token -- --client-credentials)
  -h, --help          show this help

The issuer URL is http://127.0.0.1:$ISSUER_PORT (default ${DEFAULT_ISSUER_PORT}); the key lives in <data folder>/issuer/.
Example: curl -H "Authorization: Bearer $(npm run -s token)" http://127.0.0.1:3000/users`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: "string" },
      scope: { type: "string" },
      expires: { type: "string" },
      "data-dir": { type: "string" },
      "client-credentials": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }

  // Resolved as npm run dev resolves its --data-dir: each runtime's issuer keeps its own key and client.
  const dataDir = values["data-dir"] ? resolve(values["data-dir"]) : defaultDataDir;
  if (values["client-credentials"]) {
    // The same file `npm run dev` reads, so the secret matches the running issuer's.
    const client = await loadOrCreateIssuerClient(dataDir);
    console.log(`TOKEN_URL=${issuerUrl(issuerPortFromEnv())}/oauth2/token\nCLIENT_ID=${client.id}\nCLIENT_SECRET=${client.secret}`);
    return;
  }

  const expiresIn = parseLifetime(values.expires ?? "1h");
  const unknown = (values.scope ?? "").split(/\s+/).filter((scope) => scope && !(manifest.auth.scopes as readonly string[]).includes(scope));
  // Allowed on purpose (to see how the API treats them), but worth a word on stderr.
  if (unknown.length > 0) console.error(`note: scopes the API does not define: ${unknown.join(", ")}`);

  const key = await loadOrCreateIssuerKey(dataDir);
  const sign = createTokenSigner({ key, issuer: issuerUrl(issuerPortFromEnv()), audience: manifest.auth.localAudience });
  console.log(await sign({ sub: values.sub, scope: values.scope, expiresIn }));
}

/** Plain digits are seconds; otherwise a span jose understands ("30m", "1h", "7 days"). */
function parseLifetime(text: string): string | number {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+(\.\d+)?\s*(s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i.test(text)) return text;
  throw new UsageError(`--expires must be seconds or a span like 30m, 1h, 7d (got "${text}")`);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  const usageProblem = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  console.error(usageProblem ? `${(error as Error).message}\n\n${usage}` : String(error));
  process.exitCode = usageProblem ? 2 : 1;
});
