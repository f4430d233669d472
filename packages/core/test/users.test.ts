import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/errors";
import { createDynamoUserStore, createUserUseCases, type UserUseCases, userKey, usernameKey } from "../src/users";
import { createTestTable } from "./support/table";

let users: UserUseCases;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable("users");
  users = createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) });
});

const input = (username: string) => ({ username, name: "Ada Lovelace", email: `${username}@example.com`, age: 36 });
const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof DomainError ? error.kind : String(error)),
  );

describe("users use cases on DynamoDB Local", () => {
  it("creates a user with server-made fields and claims its username", async () => {
    const user = await users.create(input("ada"));
    expect(user).toMatchObject({ username: "ada", likes: 0, avatar: null, version: 1 });
    expect(user.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(user.createdAt).toBe(user.updatedAt);
    const claim = await table.documents.send(new GetCommand({ TableName: table.tableName, Key: usernameKey("ada") }));
    expect(claim.Item?.userId).toBe(user.id);
  });

  it("gets by id and by username, and never leaks storage keys", async () => {
    const created = await users.create(input("grace"));
    const byId = await users.get(created.id);
    expect(byId).toEqual(created);
    expect(await users.getByUsername("grace")).toEqual(created);
    expect(Object.keys(byId)).not.toContain("pk");
    expect(Object.keys(byId)).not.toContain("gsi1sk");
  });

  it("refuses a taken username and writes nothing", async () => {
    await users.create(input("taken"));
    expect(await kindOf(users.create(input("taken")))).toBe("conflict");
  });

  it("answers not_found for unknown ids and usernames", async () => {
    expect(await kindOf(users.get("01ARZ3NDEKTSV4RRFFQ69G5FAV"))).toBe("not_found");
    expect(await kindOf(users.getByUsername("nobody_here"))).toBe("not_found");
    expect(await kindOf(users.patch("01ARZ3NDEKTSV4RRFFQ69G5FAV", { name: "x" }))).toBe("not_found");
    expect(await kindOf(users.remove("01ARZ3NDEKTSV4RRFFQ69G5FAV"))).toBe("not_found");
  });

  it("patches with optimistic concurrency", async () => {
    const user = await users.create(input("patchy"));
    const patched = await users.patch(user.id, { name: "New Name" }, 1);
    expect(patched).toMatchObject({ name: "New Name", version: 2, email: user.email });
    expect(patched.updatedAt >= user.updatedAt).toBe(true);
    expect(await kindOf(users.patch(user.id, { age: 40 }, 1))).toBe("precondition_failed");
    expect((await users.patch(user.id, { age: 40 })).version).toBe(3);
  });

  it("deletes the user and its username claim, freeing the name", async () => {
    const user = await users.create(input("gone"));
    await users.remove(user.id);
    expect(await kindOf(users.get(user.id))).toBe("not_found");
    const left = await table.documents.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": userKey(user.id).pk } }),
    );
    expect(left.Items).toEqual([]);
    expect((await users.create(input("gone"))).id).not.toBe(user.id);
  });

  it("rejects a forged cursor as invalid input", async () => {
    expect(await kindOf(users.list({ limit: 5, cursor: "bm90LWEtdWxpZA" }))).toBe("invalid_input");
  });
});

describe("listing", () => {
  it("pages newest first through every user exactly once", async () => {
    const own = await createTestTable("list");
    const listing = createUserUseCases({ store: createDynamoUserStore({ client: own.documents, tableName: own.tableName }) });
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await listing.create(input(`user_${i}`)));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listing.list({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((user) => user.username));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toEqual(created.map((user) => user.username).reverse());
  });
});

describe("races", () => {
  it("lets exactly one of 20 concurrent creates claim a username", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => kindOf(users.create(input("racer")))));
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "conflict")).toHaveLength(19);
  });

  it("lets exactly one of 20 concurrent patches with the same If-Match win", async () => {
    const user = await users.create(input("contended"));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => kindOf(users.patch(user.id, { age: 20 + i }, 1))));
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "precondition_failed")).toHaveLength(19);
    expect((await users.get(user.id)).version).toBe(2);
  });
});
