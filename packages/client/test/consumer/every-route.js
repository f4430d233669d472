// Plain JavaScript (ESM, no build step) against a running API: node every-route.js, with
// API_URL, TOKEN_URL, CLIENT_ID and CLIENT_SECRET set. Prints one JSON line of what came back; the
// consumer test checks each answer. `tsc` with checkJs finds it clean, so editors type it too.
import { clientCredentialsToken, createClient, isApiError, unwrap, uploadAvatar } from "@users/client";

/** @param {string} name */
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const client = createClient({
  baseUrl: env("API_URL"),
  getToken: clientCredentialsToken({ tokenUrl: env("TOKEN_URL"), clientId: env("CLIENT_ID"), clientSecret: env("CLIENT_SECRET") }),
});

/**
 * The status and title of the ApiError a call rejects with.
 * @param {Parameters<typeof unwrap>[0]} call
 */
async function failure(call) {
  try {
    await unwrap(call);
  } catch (error) {
    if (isApiError(error)) return { status: error.status, title: error.title };
    throw error;
  }
  throw new Error("expected an ApiError");
}

// A 1×1 PNG.
const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

const username = `js_${Date.now().toString(36)}`;
const created = await unwrap(client.users.$post({ json: { username, name: "Plain Script", email: "script@example.com", age: 30 } }));
const got = await unwrap(client.users[":id"].$get({ param: { id: created.id } }));
const page = await unwrap(client.users.$get({ query: { limit: 1 } }));
const liked = await unwrap(client.users[":id"].likes.$post({ param: { id: created.id } }));
const grant = await uploadAvatar(client, created.id, new Blob([png], { type: "image/png" }));
const notFound = await failure(client.users[":id"].$get({ param: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } }));
await unwrap(client.users[":id"].$patch({ param: { id: created.id }, header: { "if-match": `"${created.version}"` }, json: { name: "Renamed" } }));
const stale = await failure(client.users[":id"].$patch({ param: { id: created.id }, header: { "if-match": `"${created.version}"` }, json: { age: 31 } }));
const deleted = await client.users[":id"].$delete({ param: { id: created.id } });

console.log(
  JSON.stringify({
    created: { username: created.username, version: created.version, likes: created.likes },
    got: { id: got.id === created.id, username: got.username },
    listed: page.items.length,
    liked: liked.status,
    avatar: { method: grant.upload.method, expiresAt: typeof grant.expiresAt },
    notFound,
    stale,
    deleted: deleted.status,
  }),
);
