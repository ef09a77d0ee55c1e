import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { SCIM_BEARER, type ScimPrincipal } from '../../tenancy/public';
import { ScimError } from '../../../shared/scim/scim-error';

/** Per-connection bearer authentication; failures become a SCIM 401 with WWW-Authenticate. */
@Injectable()
export class ScimBearerGuard extends AuthGuard(SCIM_BEARER) {
  override handleRequest<T = ScimPrincipal>(err: unknown, user: T | false): T {
    if (err || !user) throw new ScimError(401, undefined, 'missing, invalid or revoked bearer token for this SCIM connection');
    return user;
  }
}
