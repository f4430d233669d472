import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { LambdaContext } from "hono/aws-lambda";
import type { Logger } from "@aws-lambda-powertools/logger";

/** What every request handler can read from the Hono context. */
export interface ApiEnv {
  Bindings: {
    /** The API Gateway event, present when the app runs behind `handle(app)`. */
    event?: APIGatewayProxyEventV2WithJWTAuthorizer;
    lambdaContext?: LambdaContext;
  };
  Variables: {
    requestId: string;
    logger: Logger;
    /** Claims verified by the API Gateway JWT authorizer; absent on public routes. */
    principal?: Principal;
  };
}

export interface Principal {
  sub: string;
  scopes: ReadonlySet<string>;
}
