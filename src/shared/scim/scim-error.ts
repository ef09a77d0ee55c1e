import { DomainError, type DomainErrorKind } from '../domain/domain-error';

/** RFC 7644 §3.12 `scimType` values (plus the ones we never emit are left out on purpose). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * A protocol-level SCIM failure. The SCIM exception filter renders it as the RFC 7644 §3.12 envelope
 * `{schemas:[…Error], status:"<status>", scimType, detail}`. `detail` must never contain secrets.
 */
export class ScimError extends DomainError {
  readonly code = 'SCIM.PROTOCOL';
  get kind(): DomainErrorKind {
    switch (this.status) {
      case 404:
        return 'not_found';
      case 409:
        return 'conflict';
      case 412:
        return 'precondition_failed';
      case 401:
        return 'unauthorized';
      case 403:
        return 'forbidden';
      default:
        return 'invalid';
    }
  }
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 429 | 500 | 501,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }
}
