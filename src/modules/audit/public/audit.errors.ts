import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

/** Error codes Audit raises; the HTTP edge maps them by `kind`. */
export enum AuditErrorCode {
  /** A `cursor` this API did not hand out. */
  INVALID_CURSOR = 'AUDIT.INVALID_CURSOR',
  /** `from` is not before `to`. */
  INVALID_RANGE = 'AUDIT.INVALID_RANGE',
  /** Query parameters that only go together (or never together) were given otherwise. */
  INVALID_COMBINATION = 'AUDIT.INVALID_COMBINATION',
}

const KIND: Record<AuditErrorCode, DomainErrorKind> = {
  [AuditErrorCode.INVALID_CURSOR]: 'invalid',
  [AuditErrorCode.INVALID_RANGE]: 'invalid',
  [AuditErrorCode.INVALID_COMBINATION]: 'invalid',
};

/** An error of the audit API; `details` name the offending query parameter. */
export class AuditError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    details: ReadonlyArray<{ field: string; problem: string }> = [],
  ) {
    super(message, details);
    this.kind = KIND[code];
  }
}
