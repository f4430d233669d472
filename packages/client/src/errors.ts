/** The problem+json body every error of the API carries (RFC 9457). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: { path: string; message: string }[];
}

/**
 * Thrown by `unwrap` for any non-2xx answer; branch on `status`, show `title` and `detail`. Errors
 * the API answers and errors API Gateway answers before the API runs (a refused token, throttling)
 * arrive in different shapes; both become this one.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  /** The status's meaning, e.g. "Not Found", "Unauthorized". */
  readonly title: string;
  /** What went wrong with this request, for a person. */
  readonly detail: string;
  /** Quote it when asking about a failed request ("" when the answer carried none). */
  readonly requestId: string;
  /** The whole error body, normalised to problem+json (`errors` lists each invalid field of a 400). */
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(`${status} ${problem.title}: ${problem.detail}`);
    this.status = status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.problem = problem;
  }
}

/**
 * Reads any error answer as a Problem: the API's problem+json as it is; API Gateway's own
 * `{"message":"Unauthorized"}` (with the reason in `www-authenticate` for a refused token),
 * `{"message":"Too Many Requests"}`, `{"message":"Internal Server Error"}`…; anything else (a
 * proxy's HTML page, storage's XML) with its text as the detail.
 */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  const requestId = response.headers.get("x-request-id") ?? response.headers.get("apigw-requestid") ?? "";
  const body = parseObject(text);

  if (typeof body?.status === "number" && typeof body.title === "string") {
    const problem = body as Partial<Problem>;
    return { ...problem, type: problem.type ?? "about:blank", title: body.title, status: body.status, detail: problem.detail ?? "", requestId: problem.requestId ?? requestId };
  }
  if (typeof body?.message === "string") {
    const reason = bearerErrorDescription(response.headers.get("www-authenticate"));
    return { type: "about:blank", title: body.message || statusTitle(response), status: response.status, detail: reason ?? body.message, requestId };
  }
  return { type: "about:blank", title: statusTitle(response), status: response.status, detail: text.slice(0, 500), requestId };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6750 §3: `Bearer error="invalid_token", error_description="the token has expired"`. */
function bearerErrorDescription(header: string | null): string | undefined {
  const match = header ? /error_description="((?:[^"\\]|\\.)*)"/.exec(header) : null;
  return match?.[1] ? match[1].replace(/\\(.)/g, "$1") : undefined;
}

function statusTitle(response: Response): string {
  return response.statusText || `HTTP ${response.status}`;
}
