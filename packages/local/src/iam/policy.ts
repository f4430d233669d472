/**
 * Identity-based policies as IAM evaluates them for one principal: Allow statements only (the stack
 * writes no Deny), an action or resource pattern may use `*` (any run of characters, `/` included)
 * and `?` (one character), actions compare case-insensitively and resources case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */

/** As infra/manifest.ts writes it: a resource is an SST component name, optionally `/<suffix>` appended to its ARN. */
export interface Permission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** A statement with its resources resolved to ARNs. */
export interface Statement {
  actions: string[];
  resources: string[];
}

/** One authorization request: what a call asks for, as IAM sees it. */
export interface IamRequest {
  action: string;
  resource: string;
}

/** `Users/index/*` → the table's ARN + `/index/*`; an ARN passes through (inline policies in tests). */
export function resolvePermissions(permissions: readonly Permission[], arns: Readonly<Record<string, string>>): Statement[] {
  return permissions.map((permission) => ({
    actions: [...permission.actions],
    resources: permission.resources.map((resource) => {
      if (resource.startsWith("arn:") || resource === "*") return resource;
      const slash = resource.indexOf("/");
      const component = slash === -1 ? resource : resource.slice(0, slash);
      const arn = arns[component];
      if (!arn) throw new Error(`permission on unknown component "${component}" (known: ${Object.keys(arns).join(", ")})`);
      return slash === -1 ? arn : arn + resource.slice(slash);
    }),
  }));
}

const compiled = new Map<string, RegExp>();

/** IAM's wildcard match; patterns are few and fixed, so each compiles once. */
export function matches(pattern: string, value: string, caseInsensitive = false): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, caseInsensitive ? "is" : "s");
    compiled.set(key, regex);
  }
  return regex.test(value);
}

export function allows(statements: readonly Statement[], request: IamRequest): boolean {
  return statements.some(
    (statement) =>
      statement.actions.some((action) => matches(action, request.action, true)) &&
      statement.resources.some((resource) => matches(resource, request.resource)),
  );
}
