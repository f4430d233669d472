export interface CorsConfig {
  allowOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  maxAge: number;
  allowCredentials?: boolean;
}

/** The Access-Control-Allow-Origin value for this origin, or undefined when it is not allowed. */
function allowedOrigin(config: CorsConfig, origin: string): string | undefined {
  if (config.allowOrigins.includes("*")) return config.allowCredentials ? origin : "*";
  return config.allowOrigins.includes(origin) ? origin : undefined;
}

/** A preflight is an OPTIONS request with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: Record<string, string>): boolean {
  return method === "OPTIONS" && headers.origin !== undefined && headers["access-control-request-method"] !== undefined;
}

/**
 * API Gateway answers preflights itself (the function never sees them) with the configured lists.
 */
export function preflightHeaders(config: CorsConfig, origin: string): Record<string, string> {
  const allowOrigin = allowedOrigin(config, origin);
  if (!allowOrigin) return {};
  return {
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-methods": config.allowMethods.join(","),
    "access-control-allow-headers": config.allowHeaders.join(","),
    "access-control-max-age": String(config.maxAge),
    ...(config.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    ...(allowOrigin === "*" ? {} : { vary: "origin" }),
  };
}

/** Added to every response to a request with an Origin; they replace any the function set, as API Gateway's do. */
export function responseCorsHeaders(config: CorsConfig, origin: string | undefined): Record<string, string> {
  if (origin === undefined) return {};
  const allowOrigin = allowedOrigin(config, origin);
  if (!allowOrigin) return {};
  return {
    "access-control-allow-origin": allowOrigin,
    ...(config.exposeHeaders.length > 0 ? { "access-control-expose-headers": config.exposeHeaders.join(",") } : {}),
    ...(config.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    ...(allowOrigin === "*" ? {} : { vary: "origin" }),
  };
}
