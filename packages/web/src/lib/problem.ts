import { isApiError } from "@users/client";
import type { Problem } from "@users/client";

/**
 * Anything a call can throw, as a problem to show: the API's problem+json (or API Gateway's
 * `{"message"}`, which the client's ApiError normalises), or a network failure described the same way.
 */
export function toProblem(error: unknown): Problem {
  if (isApiError(error)) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return {
    type: "about:blank",
    title: error instanceof TypeError ? "Network error" : "Something went wrong",
    status: 0,
    detail: error instanceof TypeError ? `${message}: the API could not be reached (is it running, and does it allow this origin?)` : message,
    requestId: "",
  };
}
