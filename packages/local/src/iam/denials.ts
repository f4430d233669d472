import { randomUUID } from "node:crypto";
import type { IamRequest } from "./policy";
import { responseBytes } from "./raw-http";

/** AWS's wording for an implicit deny by identity-based policies. */
export function deniedMessage(principal: string, request: IamRequest): string {
  return `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`;
}

/**
 * DynamoDB's JSON error (awsJson1_0): 400 with `__type` naming the exception, which the SDK turns
 * into an `AccessDeniedException` / `UnrecognizedClientException` error.
 */
export function dynamoDbError(type: "AccessDeniedException" | "UnrecognizedClientException", message: string): Buffer {
  const namespace = type === "AccessDeniedException" ? "com.amazonaws.dynamodb.v20120810" : "com.amazon.coral.service";
  const body = JSON.stringify({ __type: `${namespace}#${type}`, message });
  return responseBytes(400, "Bad Request", { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() }, body);
}

/**
 * SQS's error in the protocol the call came in: JSON (awsJson1_0, what SDK v3 sends) carries the
 * query-compatible code in `x-amzn-query-error`, as SQS does; the query protocol gets its XML.
 */
export function sqsError(json: boolean, code: "AccessDenied" | "InvalidClientTokenId", message: string): Buffer {
  const requestId = randomUUID();
  if (json) {
    const type = code === "AccessDenied" ? "com.amazon.coral.service#AccessDeniedException" : "com.amazon.coral.service#InvalidClientTokenId";
    const body = JSON.stringify({ __type: type, message });
    return responseBytes(403, "Forbidden", { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId, "x-amzn-query-error": `${code};Sender` }, body);
  }
  const body = `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return responseBytes(403, "Forbidden", { "content-type": "text/xml", "x-amzn-requestid": requestId }, body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[char] ?? char);
}
