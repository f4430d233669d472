/**
 * Domain errors: what went wrong in the language of the domain. They know nothing of HTTP; the API
 * maps each `kind` to a status in one place.
 */
export type DomainErrorKind = "not_found" | "conflict" | "precondition_failed" | "invalid_input";

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly kind: DomainErrorKind;
  constructor(kind: DomainErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export const notFound = (what: string) => new DomainError("not_found", `${what} was not found`);
export const conflict = (message: string) => new DomainError("conflict", message);
export const preconditionFailed = (message: string) => new DomainError("precondition_failed", message);
export const invalidInput = (message: string) => new DomainError("invalid_input", message);
