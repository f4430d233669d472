// Deliberate mistakes: each line marked `// error TSxxxx` must fail with exactly that error, and
// nothing else in the file may. The consumer tests compare the compiler's output with these marks.
import { createClient, unwrap, uploadAvatar } from "@users/client";

const client = createClient({ baseUrl: "http://127.0.0.1:3000", token: "t" });

export async function mistakes(file: Blob): Promise<unknown[]> {
  return [
    // An unknown field in a body.
    await client.users.$post({ json: { username: "ada", name: "Ada", email: "ada@example.com", age: 36, nickname: "A" } }), // error TS2353
    // A path parameter by the wrong name.
    await client.users[":id"].$get({ param: { userId: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } }), // error TS2353
    // A method the route does not have.
    await client.users[":id"].$put({ param: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } }), // error TS2339
    // A property the answer does not have.
    (await unwrap(client.users[":id"].$get({ param: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } }))).userName, // error TS2551
    // A content type the avatar upload does not accept.
    await client.users[":id"].avatar.$post({ param: { id: "x" }, json: { contentType: "image/gif", contentLength: 10 } }), // error TS2322
    await uploadAvatar(client, "x", file, { contentType: "image/svg+xml" }), // error TS2322
    // A limit that is neither a number nor text.
    await client.users.$get({ query: { limit: true } }), // error TS2322
  ];
}
