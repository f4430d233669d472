/** The problem+json body every error of the API carries (RFC 9457). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: { path: string; message: string }[];
}

/** Thrown by `unwrap` for any non-2xx answer; branch on `status` or read `problem`. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}: ${problem.detail}`);
  }
}

/** Turns a non-problem error body (a proxy's HTML page, say) into a Problem all the same. */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.status === "number" && typeof body.title === "string") return body as Problem;
  } catch {
    // Not JSON: fall through and describe what came back.
  }
  return {
    type: "about:blank",
    title: response.statusText || "Error",
    status: response.status,
    detail: text.slice(0, 500),
    requestId: response.headers.get("x-request-id") ?? "",
  };
}
