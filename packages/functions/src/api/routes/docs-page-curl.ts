import type { Operation } from "../openapi-document";

/** Safe inside single quotes in any POSIX shell. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** `id` → `$ID`: a shell variable the reader sets, when the document has no example value. */
const placeholder = (name: string) => `$${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

/**
 * A curl command for one operation that runs as shown once `API` and `TOKEN` are set: example
 * values from the document, URL parts percent-encoded, everything else single-quoted.
 */
export function curlExample(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters ?? [];
  const valueOf = (name: string) => {
    const example = parameters.find((parameter) => parameter.name === name)?.example;
    return example === undefined ? placeholder(name) : encodeURIComponent(String(example));
  };
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => valueOf(name));
  const query = parameters
    .filter((parameter) => parameter.in === "query" && parameter.example !== undefined)
    .map((parameter) => `${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(parameter.example))}`)
    .join("&");

  const upper = method.toUpperCase();
  const redirects = Object.keys(operation.responses).some((status) => status.startsWith("3"));
  const lines = [`curl${redirects ? " -i" : ""}${upper === "GET" ? "" : ` -X ${upper}`} "$API${url}${query ? `?${query}` : ""}"`];
  if (operation.security.length > 0) lines.push(`-H "Authorization: Bearer $TOKEN"`);
  for (const header of parameters.filter((parameter) => parameter.in === "header" && parameter.example !== undefined)) {
    lines.push(`-H ${shellQuote(`${header.name}: ${String(header.example)}`)}`);
  }
  const json = operation.requestBody?.content["application/json"];
  if (json) {
    lines.push(`-H "Content-Type: application/json"`);
    lines.push(`-d ${shellQuote(JSON.stringify(json.example ?? {}))}`);
  }
  return lines.join(" \\\n  ");
}
