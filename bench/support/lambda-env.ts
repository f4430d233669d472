/**
 * What a handler needs in its environment at import: SST's `Resource` reads SST_RESOURCE_<Name>
 * (and requires SST_RESOURCE_App); the SDK reads the region, credentials and AWS_ENDPOINT_URL_*.
 * The table name must pass the API's config check (≥ 3 characters).
 */
export const benchTableName = "users-bench-Users";

export function handlerEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SST_RESOURCE_App: JSON.stringify({ name: "users", stage: "bench" }),
    SST_RESOURCE_Users: JSON.stringify({ name: benchTableName, type: "sst.aws.Dynamo" }),
    SST_RESOURCE_Avatars: JSON.stringify({ name: "users-bench-avatars", type: "sst.aws.Bucket" }),
    SST_RESOURCE_Cdn: JSON.stringify({ url: "https://d111111abcdef8.cloudfront.net", type: "sst.aws.Router" }),
    SST_RESOURCE_Likes: JSON.stringify({ url: "http://127.0.0.1:1/123456789012/users-bench-Likes", type: "sst.aws.Queue" }),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    // The SDK warns once per process on Node 20; only the exact string "true" silences it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}
