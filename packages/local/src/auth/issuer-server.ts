import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONWebKeySet } from "jose";
import { manifest } from "../../../../infra/manifest";
import { defaultDataDir, issuerUrl } from "./defaults";
import { createIssuerClient, loadOrCreateIssuerClient } from "./issuer-client";
import type { IssuerClient } from "./issuer-client";
import { createIssuerKey, loadOrCreateIssuerKey } from "./issuer-key";
import type { IssuerKey } from "./issuer-key";
import { handleTokenRequest } from "./token-endpoint";
import { createTokenSigner } from "./token-signer";
import type { SignToken } from "./token-signer";
import { listenOnLoopback } from "../ports";

export interface IssuerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Where `issuer/` keeps the key pair and client; default `.data/` at the repo root; null = memory only. */
  dataDir?: string | null;
  host?: "127.0.0.1";
  /** Use this key instead of loading or creating one (tests that forge tokens need the private key). */
  key?: IssuerKey;
}

export interface LocalIssuer {
  /** The `iss` of its tokens, e.g. http://127.0.0.1:3001 */
  url: string;
  audience: string;
  jwksUrl: string;
  tokenEndpoint: string;
  /** The app client that may use the client-credentials grant at `tokenEndpoint`. */
  client: IssuerClient;
  jwks: JSONWebKeySet;
  sign: SignToken;
  stop(): Promise<void>;
}

const maxFormBytes = 64 * 1024;

/**
 * A minimal OIDC issuer on loopback, shaped like Cognito's: discovery, JWKS, and a
 * client-credentials token endpoint. Its keys are what the offline authorizer verifies against.
 */
export async function startIssuer(options: IssuerOptions): Promise<LocalIssuer> {
  const dataDir = options.dataDir === undefined ? defaultDataDir : options.dataDir;
  const key = options.key ?? (dataDir === null ? await createIssuerKey() : await loadOrCreateIssuerKey(dataDir));
  const client = dataDir === null ? createIssuerClient() : await loadOrCreateIssuerClient(dataDir);
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  const audience = manifest.auth.localAudience;

  // The URL is known only once listening (port 0), and the handlers need it: they read it lazily.
  let url = "";
  let sign: SignToken = () => Promise.reject(new Error("the issuer is not listening yet"));

  const server = createServer((request, response) => {
    route(request, response).catch(() => send(response, 500, { error: "server_error" }));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", url).pathname;
    if (request.method === "GET" && path === "/.well-known/openid-configuration") {
      return send(response, 200, discoveryDocument(url), { "cache-control": "public, max-age=3600" });
    }
    if (request.method === "GET" && path === "/.well-known/jwks.json") {
      return send(response, 200, jwks, { "cache-control": "public, max-age=3600" });
    }
    if (request.method === "POST" && path === "/oauth2/token") {
      const body = await readBody(request, maxFormBytes);
      if (body === undefined) return send(response, 413, { error: "invalid_request" });
      const result = await handleTokenRequest({ body, authorization: request.headers.authorization }, { client, sign });
      return send(response, result.status, result.body, result.headers);
    }
    return send(response, 404, { error: "not_found" });
  }

  url = issuerUrl(await listenOnLoopback(server, options.port, options.host));
  sign = createTokenSigner({ key, issuer: url, audience });

  return {
    url,
    audience,
    jwksUrl: `${url}/.well-known/jwks.json`,
    tokenEndpoint: `${url}/oauth2/token`,
    client,
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
    token_endpoint: `${url}/oauth2/token`,
    id_token_signing_alg_values_supported: [...manifest.auth.algorithms],
    scopes_supported: [...manifest.auth.scopes],
    grant_types_supported: ["client_credentials"],
    response_types_supported: ["token"],
    subject_types_supported: ["public"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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
