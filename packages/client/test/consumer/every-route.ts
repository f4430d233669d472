// A consumer's file that calls every route of the API through the packed @users/client. The
// consumer tests compile it under each tsconfig (it must be clean) and the types it states below
// must hold: each `const x: T = …` fails to compile if the client's inference changes.
import {
  ApiError,
  clientCredentialsToken,
  createClient,
  isApiError,
  listAllUsers,
  retryingFetch,
  unwrap,
  uploadAvatar,
  type AvatarContentType,
  type Problem,
  type User,
  type UsersClient,
} from "@users/client";

export async function everyRoute(baseUrl: string, tokenUrl: string, clientId: string, clientSecret: string): Promise<string[]> {
  const client: UsersClient = createClient({
    baseUrl,
    getToken: clientCredentialsToken({ tokenUrl, clientId, clientSecret, scope: "users:read users:write likes:write" }),
    fetch: retryingFetch(),
  });
  const seen: string[] = [];

  const health: { status: "ok" } = await unwrap(client.health.$get());
  seen.push(health.status);

  const created: User = await unwrap(client.users.$post({ json: { username: "ada", name: "Ada Lovelace", email: "ada@example.com", age: 36 } }));
  const version: number = created.version;

  const byId = await unwrap(client.users[":id"].$get({ param: { id: created.id } }));
  const byName = await unwrap(client.users["by-username"][":username"].$get({ param: { username: "ada" } }));
  const avatar: { thumbnails: { "64": string; "128": string; "256": string }; updatedAt: string } | null = byId.avatar;
  seen.push(byName.email, String(avatar));

  // `limit` takes a number (or the query string's text).
  const page = await unwrap(client.users.$get({ query: { limit: 2 } }));
  const next: string | null = page.nextCursor;
  if (next) await unwrap(client.users.$get({ query: { limit: "2", cursor: next } }));
  for await (const user of listAllUsers(client, { pageSize: 50 })) seen.push(user.username);

  const patched = await unwrap(client.users[":id"].$patch({ param: { id: created.id }, header: { "if-match": `"${version}"` }, json: { name: "Ada King" } }));
  seen.push(patched.name);

  const liked: { status: "accepted" } = await unwrap(client.users[":id"].likes.$post({ param: { id: created.id } }));
  seen.push(liked.status);

  const contentType: AvatarContentType = "image/png";
  const grant = await uploadAvatar(client, created.id, new Blob([new Uint8Array(8)], { type: contentType }));
  const direct = await unwrap(client.users[":id"].avatar.$post({ param: { id: created.id }, json: { contentType, contentLength: 8 } }));
  seen.push(grant.upload.url, direct.expiresAt);

  const thumbnail = await client.users[":id"].avatar[":size"].$get({ param: { id: created.id, size: "128" } });
  seen.push(String(thumbnail.status));

  const openapi = await client["openapi.json"].$get();
  const docs = await client.docs.$get();
  seen.push(String(openapi.ok), String(docs.ok));

  try {
    await unwrap(client.users[":id"].$get({ param: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } }));
  } catch (error) {
    if (!isApiError(error, [404, 412])) throw error;
    const problem: Problem = error.problem;
    const fields: { path: string; message: string }[] | undefined = problem.errors;
    seen.push(error.title, error.detail, error.requestId, String(fields?.length));
  }

  await unwrap(client.users[":id"].$delete({ param: { id: created.id } }));
  seen.push(new ApiError(500, { type: "about:blank", title: "Internal Server Error", status: 500, detail: "", requestId: "" }).message);
  return seen;
}
