import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

export enum SyncErrorCode {
  RUN_NOT_FOUND = 'SYNC.RUN_NOT_FOUND',
  CONNECTION_NOT_FOUND = 'SYNC.CONNECTION_NOT_FOUND',
  /** A run of the connection is in progress (`runId` names it). */
  RUN_IN_PROGRESS = 'SYNC.RUN_IN_PROGRESS',
  /** A scheduled run of this connection already ran for this schedule slot (another replica). */
  SLOT_ALREADY_RUN = 'SYNC.SLOT_ALREADY_RUN',
  INVALID_CURSOR = 'SYNC.INVALID_CURSOR',
}

const KIND: Record<SyncErrorCode, DomainErrorKind> = {
  [SyncErrorCode.RUN_NOT_FOUND]: 'not_found',
  [SyncErrorCode.CONNECTION_NOT_FOUND]: 'not_found',
  [SyncErrorCode.RUN_IN_PROGRESS]: 'conflict',
  [SyncErrorCode.SLOT_ALREADY_RUN]: 'conflict',
  [SyncErrorCode.INVALID_CURSOR]: 'invalid',
};

export class SyncError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** For RUN_IN_PROGRESS: the running run. */
    readonly runId: string | null = null,
  ) {
    super(message);
    this.kind = KIND[code];
  }
}
