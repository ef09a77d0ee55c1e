import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

export enum SessionsErrorCode {
  NOT_A_MEMBER = 'SESSIONS.NOT_A_MEMBER',
  NOT_FOUND = 'SESSIONS.NOT_FOUND',
}

const KIND: Record<SessionsErrorCode, DomainErrorKind> = {
  [SessionsErrorCode.NOT_A_MEMBER]: 'forbidden',
  [SessionsErrorCode.NOT_FOUND]: 'not_found',
};

export class SessionsError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: SessionsErrorCode,
    message: string,
  ) {
    super(message);
    this.kind = KIND[code];
  }
}
