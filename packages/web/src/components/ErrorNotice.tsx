import { toProblem } from "../lib/problem";

/** Any error, as the API described it: title, detail, the request id to quote, and field errors. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem = toProblem(error);
  return (
    <div className="notice error" role="alert">
      <p className="notice-title">
        {title ? `${title}: ` : ""}
        {problem.title}
        {problem.status ? ` (${problem.status})` : ""}
      </p>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path || "body"}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.requestId ? (
        <p className="muted">
          Request id <code data-testid="request-id">{problem.requestId}</code>
        </p>
      ) : null}
    </div>
  );
}
