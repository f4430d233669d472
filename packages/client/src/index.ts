import { hc, type ClientResponse } from "hono/client";
import type { AppType } from "@users/functions/api";
import { ApiError, readProblem } from "./errors";

export { ApiError, type Problem } from "./errors";
export { clientCredentialsToken, TokenRequestError, type GetToken, type ClientCredentialsOptions } from "./client-credentials";
export { isApiError } from "./is-api-error";
export { listAllUsers, type ListAllUsersOptions, type User } from "./list-all-users";
export { uploadAvatar, type AvatarContentType, type AvatarUploadGrant, type UploadAvatarOptions } from "./avatar-upload";
export { retryingFetch, type RetryOptions } from "./retry-fetch";

export interface ClientOptions {
  /** The API's URL, e.g. `http://127.0.0.1:3000` offline or the deployed API URL. */
  baseUrl: string;
  /** A fixed bearer token, or... */
  token?: string | undefined;
  /** ...a function asked before every request, so a token can refresh itself. */
  getToken?: (() => string | Promise<string>) | undefined;
  /** Default: the global `fetch` (browsers, Node ≥ 20, Deno, Bun, workers). */
  fetch?: typeof fetch | undefined;
}

/**
 * A typed client for the users API: routes, inputs and outputs are inferred from the server. The
 * return type is left to inference on purpose: the package's build writes it out in full, so its
 * declaration file carries the routes' types without the server's source.
 */
export function createClient({ baseUrl, token, getToken, fetch }: ClientOptions) {
  const bearer = getToken ?? (token === undefined ? undefined : () => token);
  return hc<AppType>(baseUrl, {
    ...(fetch ? { fetch } : {}),
    headers: async (): Promise<Record<string, string>> => (bearer ? { authorization: `Bearer ${await bearer()}` } : {}),
  });
}

export type UsersClient = ReturnType<typeof createClient>;

type SuccessBody<R> = R extends ClientResponse<infer Body, infer Status, "json"> ? (Status extends 200 | 201 | 202 ? Body : never) : never;

/**
 * Awaits a call and returns its typed JSON body, or throws an `ApiError` carrying the problem+json
 * body: `const user = await unwrap(client.users[":id"].$get({ param: { id } }))`.
 */
export async function unwrap<R extends ClientResponse<unknown, number, string>>(call: Promise<R> | R): Promise<SuccessBody<R>> {
  const response = await call;
  if (!response.ok) throw new ApiError(response.status, await readProblem(response as unknown as Response));
  if (response.status === 204) return undefined as SuccessBody<R>;
  return (await response.json()) as SuccessBody<R>;
}
