import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { IamRequest } from "./policy";

/** AWS's wording for an implicit deny by identity-based policies. */
export function deniedMessage(principal: string, request: IamRequest): string {
  return `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`;
}

/**
 * DynamoDB's JSON error (awsJson1_0): 400 with `__type` naming the exception, which the SDK turns
 * into an `AccessDeniedException` / `UnrecognizedClientException` error.
 */
export function sendDynamoDbError(response: ServerResponse, type: "AccessDeniedException" | "UnrecognizedClientException", message: string): void {
  const namespace = type === "AccessDeniedException" ? "com.amazonaws.dynamodb.v20120810" : "com.amazon.coral.service";
  const body = JSON.stringify({ __type: `${namespace}#${type}`, message });
  response.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID(), "content-length": Buffer.byteLength(body) });
  response.end(body);
}

/**
 * SQS's error in the protocol the call came in: JSON (awsJson1_0, what SDK v3 sends) carries the
 * query-compatible code in `x-amzn-query-error`, as SQS does; the query protocol gets its XML.
 */
export function sendSqsError(response: ServerResponse, json: boolean, code: "AccessDenied" | "InvalidClientTokenId", message: string): void {
  const requestId = randomUUID();
  if (json) {
    const type = code === "AccessDenied" ? "com.amazon.coral.service#AccessDeniedException" : "com.amazon.coral.service#InvalidClientTokenId";
    const body = JSON.stringify({ __type: type, message });
    response.writeHead(403, {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": requestId,
      "x-amzn-query-error": `${code};Sender`,
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
    return;
  }
  const body = `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  response.writeHead(403, { "content-type": "text/xml", "x-amzn-requestid": requestId, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[char] ?? char);
}
