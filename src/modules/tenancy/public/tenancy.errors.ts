import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

/** Error codes Tenancy raises; the HTTP edge maps them by `kind`. */
export enum TenancyErrorCode {
  TENANT_NOT_FOUND = 'TENANCY.TENANT_NOT_FOUND',
  CONNECTION_NOT_FOUND = 'TENANCY.CONNECTION_NOT_FOUND',
  TOKEN_NOT_FOUND = 'TENANCY.TOKEN_NOT_FOUND',
  TOKEN_LIMIT_REACHED = 'TENANCY.TOKEN_LIMIT_REACHED',
  INVALID_DOMAIN = 'TENANCY.INVALID_DOMAIN',
  MEMBER_NOT_FOUND = 'TENANCY.MEMBER_NOT_FOUND',
  MEMBER_EXISTS = 'TENANCY.MEMBER_EXISTS',
  INVALID_EMAIL = 'TENANCY.INVALID_EMAIL',
  GROUP_NOT_FOUND = 'TENANCY.GROUP_NOT_FOUND',
  GROUP_NAME_TAKEN = 'TENANCY.GROUP_NAME_TAKEN',
  SITE_NOT_FOUND = 'TENANCY.SITE_NOT_FOUND',
  SITE_NAME_TAKEN = 'TENANCY.SITE_NAME_TAKEN',
  /** A body names a site or internal group that is not the tenant's. */
  INVALID_REFERENCE = 'TENANCY.INVALID_REFERENCE',
  INVALID_MAPPING = 'TENANCY.INVALID_MAPPING',
  INVALID_CURSOR = 'TENANCY.INVALID_CURSOR',
  API_KEY_NOT_FOUND = 'TENANCY.API_KEY_NOT_FOUND',
  /** An API key request whose scope and tenant do not fit together. */
  INVALID_API_KEY = 'TENANCY.INVALID_API_KEY',
}

const KIND: Record<TenancyErrorCode, DomainErrorKind> = {
  [TenancyErrorCode.TENANT_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.CONNECTION_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.TOKEN_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.TOKEN_LIMIT_REACHED]: 'conflict',
  [TenancyErrorCode.INVALID_DOMAIN]: 'invalid',
  [TenancyErrorCode.MEMBER_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.MEMBER_EXISTS]: 'conflict',
  [TenancyErrorCode.INVALID_EMAIL]: 'invalid',
  [TenancyErrorCode.GROUP_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.GROUP_NAME_TAKEN]: 'conflict',
  [TenancyErrorCode.SITE_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.SITE_NAME_TAKEN]: 'conflict',
  [TenancyErrorCode.INVALID_REFERENCE]: 'invalid',
  [TenancyErrorCode.INVALID_MAPPING]: 'invalid',
  [TenancyErrorCode.INVALID_CURSOR]: 'invalid',
  [TenancyErrorCode.API_KEY_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.INVALID_API_KEY]: 'invalid',
};

export class TenancyError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: TenancyErrorCode,
    message: string,
    details: ReadonlyArray<{ field: string; problem: string }> = [],
  ) {
    super(message, details);
    this.kind = KIND[code];
  }
}
