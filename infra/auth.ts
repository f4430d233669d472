/**
 * The token issuer the API's JWT authorizer trusts. By default the stack creates one: a Cognito
 * user pool with a resource server for the API's scopes, an app client for the client-credentials
 * flow, a public app client for the console (authorization code + PKCE), and a domain that serves
 * `/oauth2/token` and the hosted sign-in pages. Set AUTH_ISSUER + AUTH_AUDIENCE to trust any
 * other OIDC issuer instead (then no Cognito resources are created). Either way the API reads
 * scopes from the `scope` claim, bare (`users:read`) or as Cognito writes them (`users-api/users:read`).
 */
import { consoleOrigins } from "./cdn";
import { config } from "./config";
import { manifest } from "./manifest";

function cognito() {
  const pool = new sst.aws.CognitoUserPool("UserPool", {
    // Domain prefixes are global per region: the account id keeps this one ours.
    domain: {
      prefix: $interpolate`${$app.name}-${$app.stage.toLowerCase()}-${aws.getCallerIdentityOutput({}).accountId}`,
    },
    transform: config.isProd ? { userPool: { deletionProtection: "ACTIVE" } } : undefined,
  });

  const resourceServer = new aws.cognito.ResourceServer("UserPoolResourceServer", {
    userPoolId: pool.id,
    identifier: manifest.auth.resourceServer,
    name: `${$app.name}-${$app.stage}-${manifest.auth.resourceServer}`,
    scopes: manifest.auth.scopes.map((scope) => ({ scopeName: scope, scopeDescription: scope })),
  });

  // Machine-to-machine client: client id + secret for `grant_type=client_credentials`.
  const client = pool.addClient("ApiClient", {
    transform: {
      client: {
        generateSecret: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthFlowsUserPoolClient: true,
        // `users-api/users:read`, …; reading them from the resource server orders the creation.
        allowedOauthScopes: resourceServer.scopeIdentifiers,
        callbackUrls: undefined,
        supportedIdentityProviders: ["COGNITO"],
      },
    },
  });

  // The console: a public client (no secret) for the authorization code flow with PKCE, signing in on
  // the pool's domain. Callback and sign-out URLs are exact: the site's and local development's.
  const webClient = pool.addClient("WebClient", {
    callbackUrls: consoleOrigins.apply((origins) => origins.map((origin) => `${origin}${manifest.web.callbackPath}`)),
    transform: {
      client: {
        generateSecret: false,
        allowedOauthFlows: ["code"],
        allowedOauthFlowsUserPoolClient: true,
        // Only what the console uses: an ID token and the API's three scopes (`users-api/users:read`, …).
        allowedOauthScopes: resourceServer.scopeIdentifiers.apply((scopes) => ["openid", ...scopes]),
        logoutUrls: consoleOrigins.apply((origins) => origins.map((origin) => `${origin}${manifest.web.signedOutPath}`)),
        supportedIdentityProviders: ["COGNITO"],
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        enableTokenRevocation: true,
        preventUserExistenceErrors: "ENABLED",
        accessTokenValidity: 60,
        idTokenValidity: 60,
        refreshTokenValidity: 30,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
      },
    },
  });

  return {
    issuer: $interpolate`https://${pool.nodes.userPool.endpoint}`,
    // Cognito access tokens carry no `aud`: API Gateway then matches `client_id` (scripts' or the console's).
    audiences: [client.id, webClient.id],
    userPoolId: pool.id,
    clientId: client.id,
    webClientId: webClient.id,
    tokenUrl: $interpolate`${pool.domainUrl}/oauth2/token`,
    signInUrl: pool.domainUrl,
    /** The scopes the console asks Cognito for, as Cognito names them. */
    webScopes: resourceServer.scopeIdentifiers.apply((scopes) => ["openid", ...scopes].join(" ")),
  };
}

function external(issuer: NonNullable<typeof config.externalIssuer>) {
  return {
    issuer: issuer.issuer,
    audiences: issuer.audiences,
    userPoolId: undefined,
    clientId: undefined,
    // Another issuer's console client is configured there; WEB_CLIENT_ID is left to that setup.
    webClientId: undefined,
    tokenUrl: undefined,
    signInUrl: undefined,
    webScopes: manifest.web.scopes.join(" "),
  };
}

export const auth = config.externalIssuer ? external(config.externalIssuer) : cognito();
