import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

export enum ConsoleErrorCode {
  INVALID_KEY = 'CONSOLE.INVALID_KEY',
  KEY_NOT_ALLOWED = 'CONSOLE.KEY_NOT_ALLOWED',
}

const KIND: Record<ConsoleErrorCode, DomainErrorKind> = {
  [ConsoleErrorCode.INVALID_KEY]: 'unauthorized',
  [ConsoleErrorCode.KEY_NOT_ALLOWED]: 'forbidden',
};

export class ConsoleError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
    this.kind = KIND[code];
  }
}
