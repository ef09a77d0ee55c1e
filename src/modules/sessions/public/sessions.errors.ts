import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

export const SessionsErrorCode = errorCodes('SESSIONS', {
  NOT_A_MEMBER: 'forbidden',
  NOT_FOUND: 'not_found',
});
export type SessionsErrorCode = ErrorCodeOf<typeof SessionsErrorCode>;

export class SessionsError extends CodedDomainError<SessionsErrorCode> {}
