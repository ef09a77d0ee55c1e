import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

export const StagingErrorCode = errorCodes('STAGING', {
  USERNAME_TAKEN: 'conflict',
  NOT_FOUND: 'not_found',
  VERSION_MISMATCH: 'precondition_failed',
  UNKNOWN_MEMBER: 'invalid',
  INVALID_CURSOR: 'invalid',
});
export type StagingErrorCode = ErrorCodeOf<typeof StagingErrorCode>;

export class StagingError extends CodedDomainError<StagingErrorCode> {}
