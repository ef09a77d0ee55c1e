import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

export enum StagingErrorCode {
  USERNAME_TAKEN = 'STAGING.USERNAME_TAKEN',
  NOT_FOUND = 'STAGING.NOT_FOUND',
  VERSION_MISMATCH = 'STAGING.VERSION_MISMATCH',
  UNKNOWN_MEMBER = 'STAGING.UNKNOWN_MEMBER',
  INVALID_CURSOR = 'STAGING.INVALID_CURSOR',
}

const KIND: Record<StagingErrorCode, DomainErrorKind> = {
  [StagingErrorCode.USERNAME_TAKEN]: 'conflict',
  [StagingErrorCode.NOT_FOUND]: 'not_found',
  [StagingErrorCode.VERSION_MISMATCH]: 'precondition_failed',
  [StagingErrorCode.UNKNOWN_MEMBER]: 'invalid',
  [StagingErrorCode.INVALID_CURSOR]: 'invalid',
};

export class StagingError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: StagingErrorCode,
    message: string,
  ) {
    super(message);
    this.kind = KIND[code];
  }
}
