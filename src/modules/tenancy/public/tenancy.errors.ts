import { DomainError, type DomainErrorKind } from '../../../shared/domain/domain-error';

/** Error codes Tenancy raises; the HTTP edge maps them by `kind`. */
export enum TenancyErrorCode {
  TENANT_NOT_FOUND = 'TENANCY.TENANT_NOT_FOUND',
  CONNECTION_NOT_FOUND = 'TENANCY.CONNECTION_NOT_FOUND',
  TOKEN_NOT_FOUND = 'TENANCY.TOKEN_NOT_FOUND',
  TOKEN_LIMIT_REACHED = 'TENANCY.TOKEN_LIMIT_REACHED',
  INVALID_DOMAIN = 'TENANCY.INVALID_DOMAIN',
}

const KIND: Record<TenancyErrorCode, DomainErrorKind> = {
  [TenancyErrorCode.TENANT_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.CONNECTION_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.TOKEN_NOT_FOUND]: 'not_found',
  [TenancyErrorCode.TOKEN_LIMIT_REACHED]: 'conflict',
  [TenancyErrorCode.INVALID_DOMAIN]: 'invalid',
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
