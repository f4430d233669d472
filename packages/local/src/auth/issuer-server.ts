import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONWebKeySet } from "jose";
import { manifest } from "../../../../infra/manifest";
import { defaultDataDir, issuerUrl } from "./defaults";
import { createIssuerClient, loadOrCreateIssuerClient } from "./issuer-client";
import type { IssuerClient } from "./issuer-client";
import { createIssuerKey, loadOrCreateIssuerKey } from "./issuer-key";
import type { IssuerKey } from "./issuer-key";
import { completeAuthorization, startAuthorization } from "./authorize-endpoint";
import type { PageOrRedirect } from "./authorize-endpoint";
import { GrantStore } from "./grant-store";
import { consoleClient } from "./public-clients";
import type { PublicClient } from "./public-clients";
import { errorPage } from "./sign-in-page";
import { revokeToken, signOutRedirect } from "./sign-out";
import { handleTokenRequest } from "./token-endpoint";
import { createIdTokenSigner, createTokenSigner } from "./token-signer";
import type { SignIdToken, SignToken } from "./token-signer";
import { listenOnLoopback } from "../ports";

export interface IssuerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Where `issuer/` keeps the key pair and client; default `.data/` at the repo root; null = memory only. */
  dataDir?: string | null;
  host?: "127.0.0.1";
  /** Use this key instead of loading or creating one (tests that forge tokens need the private key). */
  key?: IssuerKey;
  /**
   * Where the console runs: its redirect and sign-out URIs (`<origin>/callback`, `<origin>/`) are allowed
   * on these origins only, and the issuer's CORS answers them only. Default the manifest's `web.localOrigins`.
   */
  consoleOrigins?: readonly string[];
}

export interface LocalIssuer {
  /** The `iss` of its tokens, e.g. http://127.0.0.1:3001 */
  url: string;
  audience: string;
  jwksUrl: string;
  tokenEndpoint: string;
  /** The app client that may use the client-credentials grant at `tokenEndpoint`. */
  client: IssuerClient;
  /** The console's public client: authorization code + PKCE at `authorizationEndpoint`, no secret. */
  consoleClient: PublicClient;
  authorizationEndpoint: string;
  jwks: JSONWebKeySet;
  sign: SignToken;
  stop(): Promise<void>;
}

const maxFormBytes = 64 * 1024;

/**
 * A minimal OIDC issuer on loopback, shaped like Cognito's: discovery, JWKS, a token endpoint for
 * the client-credentials grant (scripts) and for the console's authorization code + PKCE and refresh
 * grants, a sign-in page, revocation and sign-out. Its keys are what the offline authorizer verifies against.
 */
export async function startIssuer(options: IssuerOptions): Promise<LocalIssuer> {
  const dataDir = options.dataDir === undefined ? defaultDataDir : options.dataDir;
  const key = options.key ?? (dataDir === null ? await createIssuerKey() : await loadOrCreateIssuerKey(dataDir));
  const client = dataDir === null ? createIssuerClient() : await loadOrCreateIssuerClient(dataDir);
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  const audience = manifest.auth.localAudience;
  const publicClient = consoleClient(options.consoleOrigins);
  const clients = new Map([[publicClient.id, publicClient]]);
  const store = new GrantStore();

  // The URL is known only once listening (port 0), and the handlers need it: they read it lazily.
  let url = "";
  let sign: SignToken = () => Promise.reject(new Error("the issuer is not listening yet"));
  let signIdToken: SignIdToken = () => Promise.reject(new Error("the issuer is not listening yet"));

  const server = createServer((request, response) => {
    route(request, response).catch(() => send(response, 500, { error: "server_error" }));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? "/", url);
    const path = target.pathname;
    const cors = corsHeaders(publicClient, request.headers.origin);
    if (request.method === "OPTIONS" && cors) {
      return send(response, 204, undefined, { ...cors, "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "authorization, content-type, accept", "access-control-max-age": "3600" });
    }
    if (request.method === "GET" && path === "/.well-known/openid-configuration") {
      return send(response, 200, discoveryDocument(url), { "cache-control": "public, max-age=3600", ...cors });
    }
    if (request.method === "GET" && path === "/.well-known/jwks.json") {
      return send(response, 200, jwks, { "cache-control": "public, max-age=3600", ...cors });
    }
    if (path === "/oauth2/authorize" && (request.method === "GET" || request.method === "POST")) {
      const config = { issuer: url, clients, store };
      if (request.method === "GET") return answer(response, startAuthorization(target.searchParams, config));
      const body = await readBody(request, maxFormBytes);
      if (body === undefined) return send(response, 413, { error: "invalid_request" });
      return answer(response, completeAuthorization(new URLSearchParams(body), config));
    }
    if (request.method === "POST" && path === "/oauth2/token") {
      const body = await readBody(request, maxFormBytes);
      if (body === undefined) return send(response, 413, { error: "invalid_request" }, cors);
      const result = await handleTokenRequest(
        { body, authorization: request.headers.authorization },
        { client, sign, clients, store, signIdToken },
      );
      return send(response, result.status, result.body, { ...result.headers, ...cors });
    }
    if (request.method === "POST" && path === "/oauth2/revoke") {
      const body = await readBody(request, maxFormBytes);
      if (body === undefined) return send(response, 413, { error: "invalid_request" }, cors);
      const result = revokeToken(new URLSearchParams(body), clients, store);
      return send(response, result.status, result.body, { "cache-control": "no-store", ...cors });
    }
    if (request.method === "GET" && path === "/logout") {
      const location = signOutRedirect(target.searchParams, clients);
      if (location !== undefined) return redirect(response, location);
      return answer(response, {
        kind: "page",
        status: 400,
        html: errorPage("Unknown sign-out URL", "client_id and logout_uri must name a client and one of its sign-out URLs."),
        formTargets: [],
      });
    }
    return send(response, 404, { error: "not_found" });
  }

  url = issuerUrl(await listenOnLoopback(server, options.port, options.host));
  sign = createTokenSigner({ key, issuer: url, audience });
  signIdToken = createIdTokenSigner({ key, issuer: url });

  return {
    url,
    audience,
    jwksUrl: `${url}/.well-known/jwks.json`,
    tokenEndpoint: `${url}/oauth2/token`,
    authorizationEndpoint: `${url}/oauth2/authorize`,
    client,
    consoleClient: publicClient,
    jwks,
    sign,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function discoveryDocument(url: string) {
  return {
    issuer: url,
    jwks_uri: `${url}/.well-known/jwks.json`,
    authorization_endpoint: `${url}/oauth2/authorize`,
    token_endpoint: `${url}/oauth2/token`,
    revocation_endpoint: `${url}/oauth2/revoke`,
    end_session_endpoint: `${url}/logout`,
    id_token_signing_alg_values_supported: [...manifest.auth.algorithms],
    scopes_supported: ["openid", ...manifest.auth.scopes],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ["public"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    revocation_endpoint_auth_methods_supported: ["none"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "cognito:username"],
  };
}

/** CORS for the console's origins only: discovery, keys and the token endpoints are fetched by the browser. */
function corsHeaders(client: PublicClient, origin: string | undefined): Record<string, string> | undefined {
  if (origin === undefined || !client.origins.has(origin)) return undefined;
  return { "access-control-allow-origin": origin, vary: "origin" };
}

function answer(response: ServerResponse, result: PageOrRedirect): void {
  if (result.kind === "redirect") return redirect(response, result.location);
  response.writeHead(result.status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The form posts here, then the answer redirects to the app: form-action must allow both (Chromium checks redirects).
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${result.formTargets.join(" ")}; frame-ancestors 'none'; base-uri 'none'`,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  });
  response.end(result.html);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" });
  response.end();
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** The body as text, or undefined once it grows past the limit. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
