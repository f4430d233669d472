import { relative } from "node:path";
import { defaultDataDir } from "../paths";
import type { Runtime } from "./start";

/** What a person needs on the first screen: where the API is, what exists, how to get a token. */
export function banner(runtime: Runtime, startupMs: number): string {
  const { endpoints, resources } = runtime;
  const shown = (path: string) => relative(process.cwd(), path) || ".";
  const data = runtime.dataDir
    ? `${shown(runtime.dataDir)}/ (kept between runs, queued likes and pending avatar notifications too; --reset empties it)`
    : "in memory (--in-memory): the table, the bucket, queued likes and pending avatar notifications go when it stops";
  const queued = runtime.queueJournal ? `; messages kept in ${shown(runtime.queueJournal)}` : "";
  // The token script signs with the key in the runtime's data folder: another folder, another key.
  const token = runtime.dataDir && runtime.dataDir !== defaultDataDir ? `npm run -s token -- --data-dir ${shown(runtime.dataDir)}` : "npm run -s token";
  const rows = [
    ...(runtime.consoleUrl ? [["Web console", `${runtime.consoleUrl}  (sign in as anyone; hot reload)`]] : []),
    ["API", runtime.apiUrl],
    ["Token issuer", runtime.issuerUrl ?? "(replaced by the caller's authorizer)"],
    ["DynamoDB", `${endpoints.dynamodb}  table ${resources.tableName}`],
    ["S3", `${endpoints.s3}  bucket ${resources.bucketName}`],
    ["Thumbnails CDN", `http://127.0.0.1:${runtime.ports.cdn}/thumbnails/…  (public, as CloudFront serves them)`],
    ["SQS", `${endpoints.sqs}  queue ${resources.queueName}, DLQ ${resources.dlqName}${queued}`],
    ["Data", data],
  ];
  const width = Math.max(...rows.map(([label]) => label!.length));
  return [
    "",
    `ready in ${(startupMs / 1000).toFixed(1)} s — the users API runs offline at ${runtime.apiUrl}`,
    "",
    ...rows.map(([label, value]) => `  ${label!.padEnd(width)}  ${value}`),
    "",
    `  Get a token:  ${token}            (flags: --sub, --scope, --expires; see --help)`,
    `  Try:          curl ${runtime.apiUrl}/health`,
    `                curl -H "Authorization: Bearer $(${token})" ${runtime.apiUrl}/users`,
    "",
    "  Function code reloads on save. Ctrl-C stops everything.",
    "",
  ].join("\n");
}
