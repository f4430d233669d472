export { createIam, accessKeyIdOf } from "./authorizer";
export type { Iam, RecordedCommand, GrantUse } from "./authorizer";
export { functionIdentities, componentArns, manifestPermissions } from "./identities";
export type { FunctionIdentity } from "./identities";
export { createRuntimeIam, startFunctionProxies, throughProxy } from "./layer";
export type { IamOptions, FunctionProxies } from "./layer";
export { allows, matches, resolvePermissions } from "./policy";
export type { IamRequest, Permission, Statement } from "./policy";
