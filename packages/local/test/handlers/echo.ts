import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { report } from "./channel";

/**
 * Test API handler: reports the event and context it got, and answers with cookies and a binary
 * body (the request body reversed), as a Hono app behind handle() would.
 */
export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2 | string> {
  report({ kind: "api", event, remainingTimeInMillis: context.getRemainingTimeInMillis(), awsRequestId: context.awsRequestId, functionName: context.functionName, env: { users: process.env.SST_RESOURCE_Users, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB } });
  if (event.rawPath === "/plain") return "just a string";
  if (event.rawPath === "/crash") throw new Error("boom");
  const body = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  return {
    statusCode: 201,
    headers: { "content-type": "application/octet-stream", "x-seen-cookies": String(event.cookies?.length ?? 0) },
    cookies: ["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"],
    body: Buffer.from(body).reverse().toString("base64"),
    isBase64Encoded: true,
  };
}
