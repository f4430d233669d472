export interface RouteMatch {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/**
 * Matches a request against route keys written as API Gateway writes them (`GET /docs/{proxy+}`):
 * `{name}` is one path segment, `{name+}` the rest of the path. Null when none matches (the request
 * then goes to `$default`).
 */
export function matchRoute(routes: readonly string[], method: string, path: string): RouteMatch | null {
  for (const routeKey of routes) {
    const [routeMethod = "", routePath = ""] = routeKey.split(" ");
    if (routeMethod !== "ANY" && routeMethod !== method.toUpperCase()) continue;
    const parameters = matchPath(routePath, path);
    if (parameters) return Object.keys(parameters).length > 0 ? { routeKey, pathParameters: parameters } : { routeKey };
  }
  return null;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternSegments = pattern.split("/").slice(1);
  const pathSegments = path.split("/").slice(1);
  const parameters: Record<string, string> = {};
  for (const [index, segment] of patternSegments.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(segment);
    if (greedy) {
      const rest = pathSegments.slice(index).join("/");
      if (rest === "") return null;
      parameters[greedy[1]!] = decode(rest);
      return parameters;
    }
    const actual = pathSegments[index];
    if (actual === undefined) return null;
    const single = /^\{(.+)\}$/.exec(segment);
    if (single) {
      if (actual === "") return null;
      parameters[single[1]!] = decode(actual);
    } else if (segment !== actual) {
      return null;
    }
  }
  return patternSegments.length === pathSegments.length ? parameters : null;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
