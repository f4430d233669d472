import type * as z from "zod";

/**
 * How one route is described in the OpenAPI document. Inputs are the zod schemas the route
 * validates with; scope and public-ness are not repeated here: they come from `routeScopes` and the
 * manifest's public routes, the tables the API enforces.
 */
export interface RouteDoc {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path exactly as the Hono route registers it, e.g. `/users/:id`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
    body?: z.ZodType;
    /** A body that passes `body` (the test checks it), shown in the reference page's curl example. */
    bodyExample?: unknown;
    /** Values for the curl example's path, query and header parameters; each must pass its schema. */
    examples?: Record<string, string | number>;
  };
  /** Success answers, by status. */
  responses: Record<number, ResponseDoc>;
  /**
   * Error answers particular to this route, by status → when it happens. The ones every route can
   * give (400 on invalid input, 401/403 without token or scope, 413, 500) are added for you.
   */
  errors?: Record<number, string>;
}

export interface ResponseDoc {
  description: string;
  body?: z.ZodType;
  /** Without `body`: the media type of a body that no zod schema describes (HTML, the document itself). */
  contentType?: string;
  /** Response headers worth documenting, name → description. */
  headers?: Record<string, string>;
}
