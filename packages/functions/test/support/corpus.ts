import fc from "fast-check";
import { AvatarUploadRequest } from "@users/core/avatars";
import { CreateUserInput, PatchUserInput } from "@users/core/users";
import { buildOpenApiDocument } from "../../src/api/openapi";
import type { OpenApiDocument } from "../../src/api/openapi-document";

/**
 * A corpus of malformed requests, generated from the API's own OpenAPI document (itself made from
 * the zod schemas the routes validate with): every method on every path, bodies where none is
 * taken, each parameter, header and body field pushed past its bounds, wrong types, unicode edge
 * cases, prototype keys, wrong content types and broken JSON, plus seeded fast-check samples.
 *
 * Every case is invalid, so none may change what is stored. What a case may get back is in
 * `expect` (any status below 500 when absent).
 */
export interface CorpusCase {
  name: string;
  method: string;
  /** The raw path, optionally followed by `?` and a raw query string. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Whether the gateway's JWT authorizer ran (false: no `requestContext.authorizer`). Default true. */
  authorized?: boolean;
  /** The scopes the authorizer granted. Default: every scope. */
  scopes?: string[];
  expect?: number[];
}

/** An existing user, so that requests get past "no such user" to the checks behind it. */
export interface CorpusTarget {
  id: string;
  username: string;
  /** Its current version: no `If-Match` case may name it. */
  version: number;
}

type Schema = {
  type?: string | string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
};

type Operation = {
  parameters?: { name: string; in: "path" | "query" | "header"; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

const JSON_TYPE = { "content-type": "application/json" };
const SEED = 14;

/** Methods a client can send: the registered ones, fetch's forbidden ones, WebDAV's, and made-up tokens. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "TRACK", "PROPFIND", "MKCOL", "LINK", "PURGE", "FOO"];

/** Strings that have broken parsers, routers or databases somewhere. */
const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfff",
  "\u202eevil\u202c",
  "\u200f\u05e9\u05dc\u05d5\u05dd",
  "😀".repeat(3),
  "e\u0301\u0301\u0301",
  "\ufeff",
  "\r\n",
  "'; DROP TABLE users; --",
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "prototype",
  "../..",
  "%00",
  "<script>",
];

export function generateCorpus(target: CorpusTarget): CorpusCase[] {
  const document = buildOpenApiDocument();
  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve((document.components.schemas as Record<string, Schema>)[schema.$ref.split("/").at(-1)!]!) : schema;
  const concrete = (path: string) =>
    path.replace("{id}", target.id).replace("{username}", target.username).replace("{size}", "64");

  const cases: CorpusCase[] = [
    ...everyMethodOnEveryPath(document, concrete),
    ...bodiesWhereNoneIsTaken(document, concrete),
    ...parameterCases(document, resolve, concrete, target),
    ...bodyCases(document, resolve, concrete),
    ...contentTypeCases(concrete),
    ...authorizerCases(document, concrete),
    ...headerCases(target),
    ...randomCases(target),
  ];
  return cases;
}

function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod as Record<string, Operation>).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
}

function everyMethodOnEveryPath(document: OpenApiDocument, concrete: (path: string) => string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const [path, byMethod] of Object.entries(document.paths)) {
    const allowed = new Set(Object.keys(byMethod).map((method) => method.toUpperCase()));
    if (allowed.has("GET")) allowed.add("HEAD");
    for (const method of METHODS.filter((m) => !allowed.has(m))) {
      cases.push({ name: `${method} ${path} → 405`, method, path: concrete(path), headers: {}, expect: [405] });
    }
  }
  for (const path of ["/", "/nope", "/users/", "/users//likes", `/users/${"x".repeat(2000)}/avatar/64/extra`, "/USERS", "/health/", "/%2e%2e/nope"]) {
    for (const method of ["GET", "POST", "TRACE", "FOO"]) cases.push({ name: `${method} ${path.slice(0, 40)} (no such route)`, method, path, headers: {}, expect: [404, 405] });
  }
  return cases;
}

function bodiesWhereNoneIsTaken(document: OpenApiDocument, concrete: (path: string) => string): CorpusCase[] {
  const bodies: { label: string; headers: Record<string, string>; body: string | Uint8Array }[] = [
    { label: "JSON", headers: JSON_TYPE, body: '{"likerId":"mallory"}' },
    { label: "text", headers: { "content-type": "text/plain" }, body: "hello" },
    { label: "bytes", headers: {}, body: new Uint8Array([0, 255, 1, 254]) },
    { label: "a JSON null", headers: JSON_TYPE, body: "null" },
  ];
  const cases: CorpusCase[] = [];
  for (const { path, method, operation } of operations(document)) {
    if (operation.requestBody) continue;
    const methods = method === "GET" ? ["GET", "HEAD"] : [method];
    for (const m of methods) {
      for (const { label, headers, body } of bodies) {
        cases.push({ name: `${m} ${path} with a ${label} body → 400`, method: m, path: concrete(path), headers, body, expect: [400] });
      }
    }
  }
  return cases;
}

/** Values outside a string schema (by its JSON Schema alone): its bounds, its pattern, hostile strings. */
const badStrings = (schema: Schema) => candidateStrings(schema).filter((value) => !accepts(schema, value));

/** Strings at and past a schema's bounds, hostile ones, wrong encodings; some may still be valid. */
function candidateStrings(schema: Schema): string[] {
  const values = new Set<string>();
  if (schema.minLength !== undefined && schema.minLength > 0) values.add("a".repeat(schema.minLength - 1));
  if (schema.maxLength !== undefined) {
    values.add("a".repeat(schema.maxLength + 1));
    values.add("0".repeat(schema.maxLength * 10));
    values.add("😀".repeat(Math.ceil((schema.maxLength + 1) / 2)));
    values.add("e\u0301".repeat(schema.maxLength));
    values.add("\u202e".repeat(schema.maxLength + 1));
  }
  values.add("a".repeat(5000));
  for (const hostile of HOSTILE_STRINGS) values.add(hostile);
  if (schema.enum) for (const option of schema.enum) values.add(String(option).toUpperCase() + " ");
  return [...values];
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a string passes a JSON Schema string's bounds and pattern (enough to keep valid values out). */
function accepts(schema: Schema, value: string): boolean {
  if (schema.enum) return schema.enum.includes(value);
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  if (schema.pattern && !patternOf(schema.pattern).test(value)) return false;
  return true;
}

function patternOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return new RegExp(pattern);
  }
}

/** Percent-encoding through UTF-8, lone surrogates included (as U+FFFD, as any client would send them). */
const encodeSegment = (value: string) =>
  Array.from(Buffer.from(value, "utf8"), (byte) =>
    /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");

function parameterCases(document: OpenApiDocument, resolve: (schema: Schema) => Schema, concrete: (path: string) => string, target: CorpusTarget): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const rawSegments = ["%00", "%ED%A0%80", "%FF%FE", "%", "%%", "%2F", "..", "%2e%2e", "__proto__", "constructor", "x".repeat(4000)];
  for (const { path, method, operation } of operations(document)) {
    const body = method === "PATCH" ? '{"name":"Changed"}' : method === "POST" && operation.requestBody ? '{"contentType":"image/png","contentLength":1}' : undefined;
    const base = { method, headers: body ? JSON_TYPE : {}, ...(body ? { body } : {}) };
    for (const parameter of operation.parameters ?? []) {
      const schema = resolve(parameter.schema);
      if (parameter.in === "path") {
        const values = [...badStrings(schema).map(encodeSegment), ...rawSegments];
        for (const value of values) {
          const p = concrete(path.replace(`{${parameter.name}}`, value));
          cases.push({ ...base, name: `${method} ${path} with ${parameter.name}=${value.slice(0, 24)}`, path: p, expect: [400, 404, 405] });
        }
      } else if (parameter.in === "query") {
        const values =
          schema.type === "integer" || schema.type === "number"
            ? ["0", "-1", String((schema.maximum ?? 100) + 1), "1.5", "1e400", "-0", "9007199254740993", "abc", "", "%00", "1,2"]
            : badStrings(schema).map(encodeSegment);
        for (const value of values) {
          cases.push({ ...base, name: `${method} ${path}?${parameter.name}=${value.slice(0, 24)}`, path: `${concrete(path)}?${parameter.name}=${value}`, expect: [400] });
        }
        cases.push({ ...base, name: `${method} ${path} with ${parameter.name} twice`, path: `${concrete(path)}?${parameter.name}=1&${parameter.name}=2`, expect: [400] });
      } else if (parameter.in === "header") {
        const values = [
          ...badStrings(schema),
          '"99999999999999999999"',
          `"${Number.MAX_SAFE_INTEGER + 2}"`,
          '"1e3"',
          '"-1"',
          "*",
          `"${target.version}", "${target.version + 1}"`,
          '"0"',
          `W/"${target.version + 7}"`,
          '"999999999999999"',
        ].filter((value) => !new RegExp(`^(W/)?"0*${target.version}"$`).test(value));
        for (const value of values) {
          cases.push({ ...base, name: `${method} ${path} with ${parameter.name}: ${value.slice(0, 24)}`, path: concrete(path), headers: { ...base.headers, [parameter.name]: value }, expect: [400, 412] });
        }
      }
    }
  }
  return cases;
}

/** A value of every JSON type but the schema's own. */
function wrongTypes(schema: Schema): unknown[] {
  const all: Record<string, unknown> = { string: "18", integer: 18, number: 18.5, boolean: true, null: null, array: [], object: {} };
  const own = Array.isArray(schema.type) ? schema.type : [schema.type];
  return Object.entries(all)
    .filter(([type]) => !own.includes(type) && !(type === "integer" && own.includes("number")))
    .map(([, value]) => value);
}

function badValues(schema: Schema): unknown[] {
  const values: unknown[] = [...wrongTypes(schema)];
  // Some may pass the JSON Schema yet fail the zod schema (a lone surrogate in a name): `send` keeps only refused bodies.
  if (schema.type === "string") values.push(...candidateStrings(schema));
  if (schema.type === "integer" || schema.type === "number") {
    if (schema.minimum !== undefined) values.push(schema.minimum - 1, -Number.MAX_VALUE);
    if (schema.maximum !== undefined) values.push(schema.maximum + 1, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE);
    if (schema.type === "integer") values.push((schema.minimum ?? 0) + 0.5);
  }
  return values;
}

function bodyCases(document: OpenApiDocument, resolve: (schema: Schema) => Schema, concrete: (path: string) => string): CorpusCase[] {
  const schemas: Record<string, { safeParse(value: unknown): { success: boolean } }> = {
    "POST /users": CreateUserInput,
    "PATCH /users/{id}": PatchUserInput,
    "POST /users/{id}/avatar": AvatarUploadRequest,
  };
  const validBodies: Record<string, Record<string, unknown>> = {
    "POST /users": { username: "corpus_valid", name: "Corpus", email: "corpus@example.com", age: 30 },
    "PATCH /users/{id}": { name: "Changed" },
    "POST /users/{id}/avatar": { contentType: "image/png", contentLength: 1000 },
  };
  const cases: CorpusCase[] = [];
  for (const { path, method, operation } of operations(document)) {
    const schema = operation.requestBody && resolve(operation.requestBody.content["application/json"]!.schema);
    if (!schema) continue;
    const key = `${method} ${path}`;
    const valid = validBodies[key];
    if (!valid) throw new Error(`the corpus has no valid body for ${key}: add one`);
    const zodSchema = schemas[key]!;
    /** Only bodies the route's own zod schema refuses: a valid one would be stored. */
    const send = (name: string, body: string | Uint8Array, headers: Record<string, string> = JSON_TYPE, expect = [400]) => {
      if (typeof body === "string" && zodSchema.safeParse(parseOrUndefined(body.replace(/^\ufeff/, ""))).success && expect.includes(400)) return;
      cases.push({ name: `${key}: ${name}`, method, path: concrete(path), headers, body, expect });
    };

    for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
      const property = resolve(fieldSchema);
      // A field whose only allowed value is "absent" (`username` on PATCH): any value is refused.
      const values = Object.keys(property).length === 0 || property.const !== undefined ? ["ada", 1, null] : badValues(property);
      for (const value of values) {
        send(`${field} = ${JSON.stringify(value)?.slice(0, 30)}`, JSON.stringify({ ...valid, [field]: value }));
      }
      if (schema.required?.includes(field)) {
        const { [field]: _missing, ...rest } = valid;
        send(`without ${field}`, JSON.stringify(rest));
      }
    }
    const text = JSON.stringify(valid).slice(1, -1);
    const objectLevel: [string, string][] = [
      ["an unknown field", JSON.stringify({ ...valid, role: "admin" })],
      ["__proto__", `{"__proto__":{"admin":true},${text}}`],
      ["__proto__ null", `{"__proto__":null,${text}}`],
      ["constructor", `{"constructor":{"prototype":{"admin":true}},${text}}`],
      ["prototype", `{"prototype":1,${text}}`],
      ["an array", `[${JSON.stringify(valid)}]`],
      ["null", "null"],
      ["a string", '"hello"'],
      ["a number", "42"],
      ["true", "true"],
      ["{}", "{}"],
      ["truncated JSON", JSON.stringify(valid).slice(0, -3)],
      ["a trailing comma", `{${text},}`],
      ["single quotes", `{'name':'x'}`],
      ["NaN", `{${text},"extra":NaN}`],
      ["a comment", `{${text} /* hi */}`],
      ["a BOM before broken JSON", `\ufeff{${text}`],
      ["1e400", `{${text},"extra":1e400}`],
      ["deep nesting", `{"name":${"[".repeat(5000)}${"]".repeat(5000)}}`],
      ["10,000 unknown keys", `{${Array.from({ length: 10000 }, (_, i) => `"k${i}":${i}`).join(",")}}`],
      ["an empty body", ""],
      ["whitespace", "   \n  "],
      ["NUL bytes", "\u0000\u0000"],
    ];
    for (const [name, body] of objectLevel) send(name, body);
    send("invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    send("a body over 1 MiB", JSON.stringify({ ...valid, name: "a".repeat(1024 * 1024) }), JSON_TYPE, [413]);
  }
  return cases;
}

/** A valid body sent as anything but JSON: 415, and nothing stored. */
function contentTypeCases(concrete: (path: string) => string): CorpusCase[] {
  const body = JSON.stringify({ username: "corpus_ct", name: "Corpus", email: "ct@example.com", age: 30 });
  const types = [
    undefined,
    "",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonx",
    "application/javascript",
    "text/json",
    "json",
    "application/",
    "*/*",
    "application/octet-stream",
    "application/json\u0000",
    "applicati\u00f6n/json",
  ];
  return types.map((type): CorpusCase => ({
    name: `POST /users as ${JSON.stringify(type)} → 415`,
    method: "POST",
    path: concrete("/users"),
    headers: type === undefined ? {} : { "content-type": type },
    body,
    expect: [400, 415],
  }));
}

function authorizerCases(document: OpenApiDocument, concrete: (path: string) => string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const { path, method, operation } of operations(document)) {
    const isPublic = (operation as { security?: unknown[] }).security?.length === 0;
    if (isPublic) continue;
    const body = operation.requestBody ? '{"name":"x"}' : undefined;
    const base = { method, path: concrete(path), headers: body ? JSON_TYPE : {}, ...(body ? { body } : {}) };
    cases.push({ ...base, name: `${method} ${path} without the authorizer → 401`, authorized: false, expect: [401] });
    cases.push({ ...base, name: `${method} ${path} with no scope → 403`, scopes: [], expect: [403] });
    cases.push({ ...base, name: `${method} ${path} with an unknown scope → 403`, scopes: ["admin"], expect: [403] });
  }
  return cases;
}

/** Headers no route reads, in every shape: the answer must not change, let alone fail. */
function headerCases(target: CorpusTarget): CorpusCase[] {
  const path = `/users/${target.id}`;
  const headers: Record<string, string>[] = [
    { "x-unicode": "日本語 😀 \u202e" },
    { "x-nul": "a\u0000b" },
    { "x-crlf": "a\r\nx-injected: 1" },
    { "x-lone-surrogate": "\ud800" },
    { "x-long": "a".repeat(16_000) },
    { "bad header name": "1" },
    { "x-empty": "" },
    { accept: "application/xml" },
    { "accept-encoding": "br;q=1, gzip;q=0" },
    { "content-type": "application/json; charset=utf-16" },
    { "content-length": "99999999999999999999" },
    { "content-length": "-1" },
    { "transfer-encoding": "chunked" },
    { host: "evil.example" },
    { "x-forwarded-for": "not an ip" },
    { cookie: "a=1; __proto__=2; constructor=3" },
    JSON.parse('{"__proto__":"x"}') as Record<string, string>,
    { "if-match": '"1"' },
    { "if-none-match": "*" },
    { range: "bytes=0-1" },
  ];
  return headers.map((header) => ({
    name: `GET /users/{id} with ${Object.keys(header)[0]}: ${Object.values(header)[0]!.slice(0, 20)}`,
    method: "GET",
    path,
    headers: header,
    expect: [200],
  }));
}

/** Seeded, so every run sends the same requests and a failure can be replayed. */
function randomCases(target: CorpusTarget): CorpusCase[] {
  const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed: number) => fc.sample(arbitrary, { seed, numRuns });
  const anyString = fc.string({ unit: "binary", maxLength: 300 });
  const cases: CorpusCase[] = [];

  const json = fc.jsonValue({ maxDepth: 4 });
  const objects = fc.dictionary(fc.oneof(fc.constantFrom("username", "name", "email", "age", "__proto__", "constructor"), anyString), json, { maxKeys: 6 });
  for (const [index, value] of sample(fc.oneof(json, objects), 80, SEED).entries()) {
    if (CreateUserInput.safeParse(value).success) continue;
    cases.push({ name: `POST /users random JSON #${index}`, method: "POST", path: "/users", headers: JSON_TYPE, body: JSON.stringify(value), expect: [400] });
  }
  for (const [index, value] of sample(fc.oneof(json, objects), 40, SEED + 1).entries()) {
    if (PatchUserInput.safeParse(value).success) continue;
    cases.push({ name: `PATCH /users/{id} random JSON #${index}`, method: "PATCH", path: `/users/${target.id}`, headers: JSON_TYPE, body: JSON.stringify(value), expect: [400] });
  }
  for (const [index, value] of sample(fc.oneof(json, objects), 30, SEED + 2).entries()) {
    if (AvatarUploadRequest.safeParse(value).success) continue;
    cases.push({ name: `POST /users/{id}/avatar random JSON #${index}`, method: "POST", path: `/users/${target.id}/avatar`, headers: JSON_TYPE, body: JSON.stringify(value), expect: [400] });
  }
  for (const [index, value] of sample(anyString, 40, SEED + 3).entries()) {
    for (const method of ["GET", "DELETE"]) {
      cases.push({ name: `${method} /users/<random #${index}>`, method, path: `/users/${encodeSegment(value)}`, headers: {}, expect: [400, 404, 405] });
    }
  }
  for (const [index, value] of sample(anyString, 40, SEED + 4).entries()) {
    if (new RegExp(`^(W/)?"0*${target.version}"$`).test(value)) continue;
    cases.push({
      name: `PATCH /users/{id} with a random If-Match #${index}`,
      method: "PATCH",
      path: `/users/${target.id}`,
      headers: { ...JSON_TYPE, "if-match": value },
      body: '{"name":"Changed"}',
      expect: [400, 412],
    });
  }
  for (const [index, value] of sample(fc.dictionary(anyString, anyString, { maxKeys: 4 }), 30, SEED + 5).entries()) {
    const query = Object.entries(value).map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join("&");
    cases.push({ name: `GET /users?<random #${index}>`, method: "GET", path: `/users?${query}`, headers: {} });
  }
  return cases;
}
