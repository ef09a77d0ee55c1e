import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

export const ConsoleErrorCode = errorCodes('CONSOLE', {
  INVALID_KEY: 'unauthorized',
  KEY_NOT_ALLOWED: 'forbidden',
});
export type ConsoleErrorCode = ErrorCodeOf<typeof ConsoleErrorCode>;

export class ConsoleError extends CodedDomainError<ConsoleErrorCode> {}
