import { ApiError } from "./errors";

/**
 * Narrows anything caught to an `ApiError`, optionally of given statuses:
 * `catch (e) { if (isApiError(e, 404)) return undefined; throw e; }`.
 */
export function isApiError(error: unknown, status?: number | readonly number[]): error is ApiError {
  if (!(error instanceof ApiError)) return false;
  if (status === undefined) return true;
  return typeof status === "number" ? error.status === status : status.includes(error.status);
}
