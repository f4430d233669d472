/**
 * The token issuer the API's JWT authorizer trusts. By default the stack creates one: a Cognito
 * user pool with a resource server for the API's scopes, an app client for the client-credentials
 * flow, and a domain that serves `/oauth2/token`. Set AUTH_ISSUER + AUTH_AUDIENCE to trust any
 * other OIDC issuer instead (then no Cognito resources are created). Either way the API reads
 * scopes from the `scope` claim, bare (`users:read`) or as Cognito writes them (`users-api/users:read`).
 */
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

  return {
    issuer: $interpolate`https://${pool.nodes.userPool.endpoint}`,
    // Cognito access tokens carry no `aud`: API Gateway then matches `client_id`.
    audiences: [client.id],
    userPoolId: pool.id,
    clientId: client.id,
    tokenUrl: $interpolate`${pool.domainUrl}/oauth2/token`,
  };
}

function external(issuer: NonNullable<typeof config.externalIssuer>) {
  return {
    issuer: issuer.issuer,
    audiences: issuer.audiences,
    userPoolId: undefined,
    clientId: undefined,
    tokenUrl: undefined,
  };
}

export const auth = config.externalIssuer ? external(config.externalIssuer) : cognito();
