import type { AwsCredentials } from "../aws";
import type { FunctionKey } from "../runtime/options";
import type { FunctionIdentity } from "./identities";
import { matches, type IamRequest } from "./policy";

/** What a function sent, grouped: one row per operation, action and the policy resource that allowed it. */
export interface RecordedCommand {
  /** The wire operation, e.g. `dynamodb TransactWriteItems`, `s3 DeleteObjects`, `sqs SendMessageBatch`. */
  operation: string;
  action: string;
  /** Allowed: the policy's resource pattern that matched; refused: the resource asked for. */
  resource: string;
  allowed: boolean;
  count: number;
}

/** A policy grant (one action × one resource of a statement) and whether any call used it. */
export interface GrantUse {
  action: string;
  resource: string;
  used: boolean;
}

export interface Iam {
  identities: Record<FunctionKey, FunctionIdentity>;
  /** The runtime's own key: unrestricted, as the deploying account's admin is. */
  admin: AwsCredentials;
  /** The function whose key this is; undefined for the admin key and unknown keys. */
  functionOf(accessKeyId: string | undefined): FunctionIdentity | undefined;
  /** The secret behind a key (functions' and admin's), to check presigned requests. */
  credentialsOf(accessKeyId: string): AwsCredentials | undefined;
  /**
   * Checks every IAM request one call makes (a transaction: one per item) against the identity's
   * policy, records them, and returns the first refused one (null: all allowed).
   */
  authorize(identity: FunctionIdentity, operation: string, requests: readonly IamRequest[]): IamRequest | null;
  /** Every command each function sent since the start (or the last reset). */
  commands(): Record<FunctionKey, RecordedCommand[]>;
  /** Each function's grants, with whether a call used them. */
  grants(): Record<FunctionKey, GrantUse[]>;
  reset(): void;
}

export function createIam(identities: Record<FunctionKey, FunctionIdentity>, admin: AwsCredentials): Iam {
  const byKey = new Map<string, FunctionIdentity>(Object.values(identities).map((identity) => [identity.credentials.accessKeyId, identity]));
  const recorded = new Map<FunctionKey, Map<string, RecordedCommand>>();
  const used = new Map<FunctionKey, Set<string>>();
  const keys = Object.keys(identities) as FunctionKey[];

  const record = (identity: FunctionIdentity, entry: Omit<RecordedCommand, "count">) => {
    let rows = recorded.get(identity.function);
    if (!rows) recorded.set(identity.function, (rows = new Map()));
    const id = `${entry.operation}|${entry.action}|${entry.resource}|${entry.allowed}`;
    const row = rows.get(id);
    if (row) row.count += 1;
    else rows.set(id, { ...entry, count: 1 });
  };

  /** The grant that allows the request (first in policy order), or undefined. */
  const grantFor = (identity: FunctionIdentity, request: IamRequest) => {
    for (const statement of identity.statements) {
      const action = statement.actions.find((pattern) => matches(pattern, request.action, true));
      if (!action) continue;
      const resource = statement.resources.find((pattern) => matches(pattern, request.resource));
      if (resource) return { action, resource };
    }
    return undefined;
  };

  return {
    identities,
    admin,
    functionOf: (accessKeyId) => (accessKeyId ? byKey.get(accessKeyId) : undefined),
    credentialsOf: (accessKeyId) => (accessKeyId === admin.accessKeyId ? admin : byKey.get(accessKeyId)?.credentials),
    authorize(identity, operation, requests) {
      let refused: IamRequest | null = null;
      for (const request of requests) {
        const grant = grantFor(identity, request);
        if (grant) {
          let set = used.get(identity.function);
          if (!set) used.set(identity.function, (set = new Set()));
          set.add(`${grant.action}|${grant.resource}`);
          record(identity, { operation, action: request.action, resource: grant.resource, allowed: true });
        } else {
          record(identity, { operation, action: request.action, resource: request.resource, allowed: false });
          refused ??= request;
        }
      }
      return refused;
    },
    commands: () => Object.fromEntries(keys.map((key) => [key, [...(recorded.get(key)?.values() ?? [])].map((row) => ({ ...row }))])) as Record<FunctionKey, RecordedCommand[]>,
    grants: () =>
      Object.fromEntries(
        keys.map((key) => {
          const set = used.get(key);
          const rows = identities[key].statements.flatMap((statement) =>
            statement.actions.flatMap((action) => statement.resources.map((resource) => ({ action, resource, used: set?.has(`${action}|${resource}`) ?? false }))),
          );
          return [key, rows];
        }),
      ) as Record<FunctionKey, GrantUse[]>,
    reset() {
      recorded.clear();
      used.clear();
    },
  };
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request, …` → AKID. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /Credential=([^/,\s]+)\//.exec(authorization);
  return match?.[1];
}
