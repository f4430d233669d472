import { CreateUserInput, ListUsersQuery, PatchUserInput, User, UserPage } from "@users/core/users";
import { IdParam, IfMatch, UsernameParam } from "./params";
import type { RouteDoc } from "./openapi-route";

const etag = { ETag: 'The user\'s version in quotes, e.g. `"3"`: send it back in `If-Match`.' };
const exampleId = "01J9ZQ4X8K3M5N7P9R1T3V5X7Z";

export const userRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/users",
    operationId: "createUser",
    tag: "Users",
    summary: "Create a user",
    request: { body: CreateUserInput, bodyExample: { username: "ada", name: "Ada Lovelace", email: "ada@example.com", age: 36 } },
    responses: { 201: { description: "The new user.", body: User, headers: { Location: "`/users/{id}` of the new user.", ...etag } } },
    errors: { 409: "The username is taken." },
  },
  {
    method: "GET",
    path: "/users",
    operationId: "listUsers",
    tag: "Users",
    summary: "List users, newest first",
    description: "Pass the page's `nextCursor` as `cursor` to get the next page; it is `null` on the last page.",
    request: { query: ListUsersQuery, examples: { limit: 20 } },
    responses: { 200: { description: "One page of users.", body: UserPage } },
  },
  {
    method: "GET",
    path: "/users/by-username/:username",
    operationId: "getUserByUsername",
    tag: "Users",
    summary: "Get a user by username",
    request: { params: UsernameParam, examples: { username: "ada" } },
    responses: { 200: { description: "The user.", body: User, headers: etag } },
    errors: { 404: "No user has this username." },
  },
  {
    method: "GET",
    path: "/users/:id",
    operationId: "getUser",
    tag: "Users",
    summary: "Get a user",
    request: { params: IdParam, examples: { id: exampleId } },
    responses: { 200: { description: "The user.", body: User, headers: etag } },
    errors: { 404: "No such user." },
  },
  {
    method: "PATCH",
    path: "/users/:id",
    operationId: "patchUser",
    tag: "Users",
    summary: "Change a user's name, email or age",
    description: "Send only the fields to change. The username cannot change.",
    request: {
      params: IdParam,
      headers: IfMatch,
      body: PatchUserInput,
      bodyExample: { name: "Ada King" },
      examples: { id: exampleId, "if-match": '"1"' },
    },
    responses: { 200: { description: "The changed user.", body: User, headers: etag } },
    errors: { 404: "No such user.", 412: "`If-Match` names a version that is no longer current." },
  },
  {
    method: "DELETE",
    path: "/users/:id",
    operationId: "deleteUser",
    tag: "Users",
    summary: "Delete a user",
    description: "Also frees the username and deletes the user's likes and avatar images.",
    request: { params: IdParam, examples: { id: exampleId } },
    responses: { 204: { description: "Deleted." } },
    errors: { 404: "No such user." },
  },
];
