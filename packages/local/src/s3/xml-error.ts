/** An error body as S3 writes it, so SDKs and browsers parse it as they parse AWS's. */
export function s3ErrorXml(error: { code: string; message: string; resource: string; requestId: string }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<Error>",
    `<Code>${escapeXml(error.code)}</Code>`,
    `<Message>${escapeXml(error.message)}</Message>`,
    `<Resource>${escapeXml(error.resource)}</Resource>`,
    `<RequestId>${escapeXml(error.requestId)}</RequestId>`,
    "</Error>",
  ].join("");
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
