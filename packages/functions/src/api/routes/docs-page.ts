import { html, raw } from "hono/html";
import type { OpenApiDocument, Operation } from "../openapi-document";
import type { JsonSchema } from "../openapi-schema";
import { script, style } from "./docs-page-assets";
import { curlExample } from "./docs-page-curl";
import { constraints, fieldRows, refName, typeLabel, type FieldRow } from "./docs-page-schema";

/**
 * The API reference page, server-rendered from the OpenAPI document: no framework, no assets from
 * elsewhere. Every value goes through hono's `html` template, which escapes it.
 */

interface Entry {
  method: string;
  path: string;
  operation: Operation;
}

type Html = ReturnType<typeof html>;

export function renderDocsPage(document: OpenApiDocument): Promise<string> {
  const entries: Entry[] = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
  const tags = document.tags.map((tag) => ({ name: tag.name, entries: entries.filter((entry) => entry.operation.tags[0] === tag.name) }));
  const schemas = document.components.schemas;

  const page = html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${document.info.title} reference</title>
    <link rel="icon" href="data:," />
    <style>${raw(style)}</style>
  </head>
  <body>
    <div class="layout">
      <nav aria-label="Routes">
        <strong>${document.info.title}</strong>
        ${tags.map(
          (tag) => html`<h2>${tag.name}</h2>
            <ul>
              ${tag.entries.map(
                (entry) =>
                  html`<li><a href="#${anchor(entry)}"><span class="method ${entry.method.toLowerCase()}">${entry.method}</span><span class="path">${entry.path}</span></a></li>`,
              )}
            </ul>`,
        )}
        <h2>Schemas</h2>
        <ul>
          ${Object.keys(schemas).map((name) => html`<li><a href="#schema-${name}">${name}</a></li>`)}
        </ul>
      </nav>
      <main>
        <header class="intro">
          <h1>${document.info.title} <small class="notes">${document.info.version}</small></h1>
          ${document.info.description.split("\n").filter(Boolean).map((line) => html`<p>${inlineCode(line)}</p>`)}
          <p>The machine-readable version: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${document.openapi}).</p>
          <h4>Calling it</h4>
          ${example("setup", "API=http://127.0.0.1:3000          # or the deployed URL\nTOKEN=$(npm run -s token)         # offline; deployed: a client-credentials token")}
          ${securityNotes(document)}
        </header>
        ${tags.map(
          (tag) => html`<section class="tag" id="tag-${tag.name}">
            <h2>${tag.name}</h2>
            ${tag.entries.map((entry) => operationSection(entry, schemas))}
          </section>`,
        )}
        <section class="tag" id="schemas">
          <h2>Schemas</h2>
          ${Object.entries(schemas).map(
            ([name, schema]) => html`<article class="operation" id="schema-${name}">
              <h3>${name}</h3>
              ${fieldsTable(fieldRows(schema, schemas)) || html`<p><code>${typeLabel(schema)}</code></p>`}
            </article>`,
          )}
        </section>
      </main>
    </div>
    <script>${raw(script)}</script>
  </body>
</html>`;
  return Promise.resolve(page).then(String);
}

function operationSection({ method, path, operation }: Entry, schemas: Record<string, JsonSchema>): Html {
  const scope = operation.security[0] ? Object.values(operation.security[0])[0]?.[0] : undefined;
  const body = operation.requestBody?.content["application/json"];
  const id = anchor({ method, path });
  return html`<article class="operation" id="${id}" data-route="${method} ${path}">
    <h3>
      <span class="method ${method.toLowerCase()}">${method}</span>
      <code class="path">${path}</code>
      ${scope ? html`<span class="scope" title="scope the token needs">${scope}</span>` : html`<span class="scope public">public</span>`}
    </h3>
    <p><strong>${operation.summary}</strong>${operation.description ? html` — ${inlineCode(operation.description)}` : ""}</p>
    ${operation.parameters?.length
      ? html`<h4>Parameters</h4>
          <table>
            <thead><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr></thead>
            <tbody>
              ${operation.parameters.map(
                (parameter) => html`<tr>
                  <td class="name"><code>${parameter.name}</code> ${parameter.required ? html`<span class="required">required</span>` : ""}</td>
                  <td>${parameter.in}</td>
                  <td><code>${typeLabel(parameter.schema)}</code></td>
                  <td class="notes">${notes([...(parameter.description ? [parameter.description] : []), ...constraints(parameter.schema)])}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
      : ""}
    ${body
      ? html`<h4>Request body <code>application/json</code> ${schemaLink(body.schema)}</h4>
          ${fieldsTable(fieldRows(body.schema, schemas))}`
      : ""}
    <h4>Responses</h4>
    <table>
      <thead><tr><th>status</th><th>when</th><th>body</th></tr></thead>
      <tbody>
        ${Object.entries(operation.responses).map(([status, response]) => {
          const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
          return html`<tr>
            <td class="name"><code>${status}</code></td>
            <td>
              ${inlineCode(response.description)}
              ${Object.entries(response.headers ?? {}).map(([name, header]) => html`<br /><span class="notes"><code>${name}</code>: ${inlineCode(header.description)}</span>`)}
            </td>
            <td>${contentType ? html`<code>${contentType}</code> ${media && refName(media.schema) ? schemaLink(media.schema) : ""}` : html`<span class="notes">none</span>`}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <h4>Example</h4>
    ${example(`curl-${id}`, curlExample(method, path, operation))}
  </article>`;
}

function fieldsTable(rows: FieldRow[]): Html | "" {
  if (rows.length === 0) return "";
  return html`<table>
    <thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr>
          <td class="name"><code>${row.name}</code> ${row.required ? html`<span class="required">required</span>` : ""}</td>
          <td><code>${row.type}</code></td>
          <td class="notes">${notes(row.notes)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function securityNotes(document: OpenApiDocument): Html {
  const oauth = document.components.securitySchemes.oauth2 as
    | { flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } }; description?: string }
    | undefined;
  const flow = oauth?.flows?.clientCredentials;
  if (!flow) return html``;
  return html`<h4>Scopes</h4>
    <table>
      <tbody>
        ${Object.entries(flow.scopes).map(([scope, description]) => html`<tr><td class="name"><code>${scope}</code></td><td>${description}</td></tr>`)}
      </tbody>
    </table>
    <p class="notes">Client-credentials token URL: <code>${flow.tokenUrl}</code>. ${inlineCode(oauth?.description ?? "")}</p>`;
}

function example(id: string, text: string): Html {
  return html`<div class="example"><pre><code id="${id}">${text}</code></pre><button type="button" class="copy" data-copy="${id}">Copy</button></div>`;
}

function schemaLink(schema: JsonSchema): Html | "" {
  const name = refName(schema);
  return name ? html`<a href="#schema-${name}">${name}</a>` : "";
}

const notes = (items: string[]): Html[] => items.map((note, index) => html`${index > 0 ? " · " : ""}${inlineCode(note)}`);

/** `GET /users/{id}` → `get-users-id`: stable anchors people can link to. */
const anchor = ({ method, path }: Pick<Entry, "method" | "path">) =>
  `${method}${path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "");

/** The only markup descriptions may use: `code`. Everything else is text, escaped. */
const inlineCode = (text: string): Html[] =>
  text.split("`").map((part, index) => (index % 2 === 1 ? html`<code>${part}</code>` : html`${part}`));

