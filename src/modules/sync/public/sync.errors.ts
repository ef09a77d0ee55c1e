import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

export const SyncErrorCode = errorCodes('SYNC', {
  RUN_NOT_FOUND: 'not_found',
  CONNECTION_NOT_FOUND: 'not_found',
  /** A run of the connection is in progress (`runId` names it). */
  RUN_IN_PROGRESS: 'conflict',
  /** A scheduled run of this connection already ran for this schedule slot (another replica). */
  SLOT_ALREADY_RUN: 'conflict',
  INVALID_CURSOR: 'invalid',
});
export type SyncErrorCode = ErrorCodeOf<typeof SyncErrorCode>;

export class SyncError extends CodedDomainError<SyncErrorCode> {
  constructor(
    code: SyncErrorCode,
    message: string,
    /** For RUN_IN_PROGRESS: the running run. */
    readonly runId: string | null = null,
  ) {
    super(code, message);
  }
}
