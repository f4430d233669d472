import { manifest } from "../../../../infra/manifest";
import type { AwsCredentials } from "../aws";
import { arn, localAccountId, type ResourceNames } from "../names";
import type { FunctionKey } from "../runtime/options";
import { resolvePermissions, type Permission, type Statement } from "./policy";

/** Who a request comes from: a function's role (checked against its policy), or the runtime's admin (not checked). */
export interface FunctionIdentity {
  function: FunctionKey;
  functionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<function>`: what AWS names in an AccessDenied message. */
  principal: string;
  credentials: AwsCredentials;
  statements: Statement[];
}

export const functionKeysInOrder: readonly FunctionKey[] = ["api", "likes", "uploads"];

/** The ARN of each SST component a permission may name. */
export function componentArns(names: ResourceNames, region: string): Record<string, string> {
  return {
    [manifest.table.name]: `arn:aws:dynamodb:${region}:${localAccountId}:table/${names.table}`,
    [manifest.bucket.name]: arn.bucket(names.bucket),
    [manifest.queue.name]: arn.queue(names.queue, region),
    [manifest.queue.dlq.name]: arn.queue(names.dlq, region),
  };
}

/** The manifest's permissions for a function (none until the manifest declares them). */
export function manifestPermissions(key: FunctionKey): readonly Permission[] {
  const spec: { permissions?: readonly Permission[] } = manifest.functions[key];
  return spec.permissions ?? [];
}

/**
 * One identity per function, as each Lambda gets its own role: distinct access keys (alphanumeric,
 * which DynamoDB Local requires) and the function's policy with ARNs resolved for this stage.
 * `overrides` replaces a function's permissions (tests: a role missing one action).
 */
export function functionIdentities(
  names: ResourceNames,
  region: string,
  overrides: Partial<Record<FunctionKey, readonly Permission[]>> = {},
): Record<FunctionKey, FunctionIdentity> {
  const arns = componentArns(names, region);
  const identity = (key: FunctionKey): FunctionIdentity => {
    const functionName = names.functions[key];
    const compact = functionName.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
    return {
      function: key,
      functionName,
      principal: `arn:aws:sts::${localAccountId}:assumed-role/${functionName}-role/${functionName}`,
      credentials: { accessKeyId: `AKIA${compact}`, secretAccessKey: `local${compact}secret` },
      statements: resolvePermissions(overrides[key] ?? manifestPermissions(key), arns),
    };
  };
  return { api: identity("api"), likes: identity("likes"), uploads: identity("uploads") };
}
