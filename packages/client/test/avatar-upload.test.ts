import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClient, isApiError, uploadAvatar } from "../src";

/**
 * A loopback stand-in for both sides of an upload, speaking their wire contracts: the API's
 * `POST /users/{id}/avatar` (grant) and a bucket's form POST that, like S3, enforces the signed
 * Content-Type and size, and reads only fields that come before the file.
 */
const USER = "01J9ZQ4X8K3M5N7P9R1T3V5X7Z";
const MAX_BYTES = 5 * 1024 * 1024;

interface Received {
  grantRequest?: { authorization: string | undefined; body: unknown };
  formOrder?: string[];
  fields?: Record<string, string>;
  file?: { name: string; type: string; bytes: number[] };
}

let server: Server;
let baseUrl: string;
let received: Received;

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method === "POST" && request.url === `/users/${USER}/avatar`) {
      const json = JSON.parse(body.toString()) as { contentType: string; contentLength: number };
      received.grantRequest = { authorization: request.headers.authorization, body: json };
      response.writeHead(201, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          upload: {
            url: `${baseUrl}/bucket`,
            method: "POST",
            fields: { key: `uploads/${USER}/01J9ZQ5`, "Content-Type": json.contentType, Policy: "eyJ9", "X-Amz-Signature": "abc" },
          },
          expiresAt: new Date(Date.now() + 300_000).toISOString(),
        }),
      );
      return;
    }
    if (request.method === "POST" && request.url?.startsWith("/users/")) {
      response.writeHead(404, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "user not found", requestId: "r1" }));
      return;
    }
    if (request.method === "POST" && request.url === "/bucket") {
      const form = await new Response(body, { headers: { "content-type": request.headers["content-type"] ?? "" } }).formData();
      received.formOrder = [...form.keys()];
      const file = form.get("file");
      received.fields = Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === "string")) as Record<string, string>;
      if (file instanceof Blob) received.file = { name: (file as File).name, type: file.type, bytes: [...new Uint8Array(await file.arrayBuffer())] };
      const wrongType = !(file instanceof Blob) || file.type !== received.fields["Content-Type"];
      if (wrongType || file.size > MAX_BYTES) {
        response.writeHead(403, { "content-type": "application/xml" });
        response.end("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy Condition failed</Message></Error>");
        return;
      }
      response.writeHead(204).end();
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = {};
});

const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], "me.png", { type: "image/png" });

describe("uploadAvatar", () => {
  it("asks for a grant with the file's type and size, then posts the fields and the file last", async () => {
    const client = createClient({ baseUrl, token: "secret-token" });
    const grant = await uploadAvatar(client, USER, png(), { filename: "me.png" });

    expect(received.grantRequest).toEqual({ authorization: "Bearer secret-token", body: { contentType: "image/png", contentLength: 7 } });
    expect(received.formOrder).toEqual(["key", "Content-Type", "Policy", "X-Amz-Signature", "file"]);
    expect(received.fields).toEqual(grant.upload.fields);
    expect(received.file).toEqual({ name: "me.png", type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 1, 2, 3] });
    expect(Date.parse(grant.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("labels a typeless blob with the contentType given", async () => {
    const client = createClient({ baseUrl, token: "t" });
    await uploadAvatar(client, USER, new Blob([new Uint8Array([1, 2])]), { contentType: "image/webp" });
    expect(received.grantRequest?.body).toEqual({ contentType: "image/webp", contentLength: 2 });
    expect(received.file?.type).toBe("image/webp");
  });

  it("refuses a blob without any type before calling the API", async () => {
    const client = createClient({ baseUrl, token: "t" });
    await expect(uploadAvatar(client, USER, new Blob([new Uint8Array([1])]))).rejects.toThrow(/pass contentType/);
    expect(received.grantRequest).toBeUndefined();
  });

  it("throws the API's refusal as an ApiError", async () => {
    const client = createClient({ baseUrl, token: "t" });
    const error = await uploadAvatar(client, "01J9ZQ4X8K3M5N7P9R1T3V5X80", png()).catch((e: unknown) => e);
    expect(isApiError(error, 404)).toBe(true);
    expect(received.formOrder).toBeUndefined();
  });

  it("throws storage's refusal as an ApiError with its XML message in the detail", async () => {
    const client = createClient({ baseUrl, token: "t" });
    // Storage checks the file against the signed Content-Type: here they disagree.
    const liar = new File([new Uint8Array([1])], "x.gif", { type: "image/gif" });
    const error = await uploadAvatar(client, USER, liar, { contentType: "image/png", fetch: (input, init) => fetch(input, withFileType(init, "image/gif")) }).catch(
      (e: unknown) => e,
    );
    expect(isApiError(error, 403)).toBe(true);
    expect((error as { problem: { detail: string } }).problem.detail).toContain("Policy Condition failed");
  });
});

/** Re-labels the form's file, as a tampering client would, to see storage refuse it. */
function withFileType(init: RequestInit | undefined, type: string): RequestInit {
  const form = init?.body as FormData;
  const file = form.get("file") as File;
  form.set("file", new File([file], file.name, { type }));
  return { ...init, body: form };
}
