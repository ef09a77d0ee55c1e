/** How the edge should treat a domain error; each transport maps it (HTTP status, SCIM status). */
export type DomainErrorKind =
  'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'precondition_failed';

/**
 * Base of every error a module raises on purpose. `code` is module-prefixed (`TENANCY.TOKEN_LIMIT_REACHED`);
 * `message` is safe to show to the caller; `details` carries field-level problems, never secrets.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
  constructor(
    message: string,
    readonly details: ReadonlyArray<{ field: string; problem: string }> = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
