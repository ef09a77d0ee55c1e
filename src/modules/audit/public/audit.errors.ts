import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

/** Error codes Audit raises, each with the kind the HTTP edge maps it by. */
export const AuditErrorCode = errorCodes('AUDIT', {
  /** A `cursor` this API did not hand out. */
  INVALID_CURSOR: 'invalid',
  /** `from` is not before `to`. */
  INVALID_RANGE: 'invalid',
  /** Query parameters that only go together (or never together) were given otherwise. */
  INVALID_COMBINATION: 'invalid',
});
export type AuditErrorCode = ErrorCodeOf<typeof AuditErrorCode>;

/** An error of the audit API; `details` name the offending query parameter. */
export class AuditError extends CodedDomainError<AuditErrorCode> {}
