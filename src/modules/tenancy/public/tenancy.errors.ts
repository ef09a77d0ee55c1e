import { CodedDomainError, errorCodes, type ErrorCodeOf } from '../../../shared/domain/coded-domain-error';

/** Error codes Tenancy raises, each with the kind the HTTP edge maps it by. */
export const TenancyErrorCode = errorCodes('TENANCY', {
  TENANT_NOT_FOUND: 'not_found',
  CONNECTION_NOT_FOUND: 'not_found',
  TOKEN_NOT_FOUND: 'not_found',
  TOKEN_LIMIT_REACHED: 'conflict',
  INVALID_DOMAIN: 'invalid',
  MEMBER_NOT_FOUND: 'not_found',
  MEMBER_EXISTS: 'conflict',
  INVALID_EMAIL: 'invalid',
  GROUP_NOT_FOUND: 'not_found',
  GROUP_NAME_TAKEN: 'conflict',
  SITE_NOT_FOUND: 'not_found',
  SITE_NAME_TAKEN: 'conflict',
  /** A body names a site or internal group that is not the tenant's. */
  INVALID_REFERENCE: 'invalid',
  INVALID_MAPPING: 'invalid',
  INVALID_CURSOR: 'invalid',
  API_KEY_NOT_FOUND: 'not_found',
  /** An API key request whose scope and tenant do not fit together. */
  INVALID_API_KEY: 'invalid',
});
export type TenancyErrorCode = ErrorCodeOf<typeof TenancyErrorCode>;

/** An error of the tenancy API; `details` name the offending fields. */
export class TenancyError extends CodedDomainError<TenancyErrorCode> {}
