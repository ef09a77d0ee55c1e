import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { TenancyFacade, type ScimRequestLike } from '../../tenancy/public';
import { ScimError } from '../../../shared/scim/scim-error';

/** Per-connection bearer authentication (Tenancy checks the token); failures become a SCIM 401 with WWW-Authenticate. */
@Injectable()
export class ScimBearerGuard implements CanActivate {
  constructor(private readonly tenancy: TenancyFacade) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ScimRequestLike & { user?: unknown }>();
    // A verification that could not run (database unreachable) rejects: the filter answers 503, not
    // 401 — an IdP must not take an outage for revoked credentials (repeated 401s quarantine Entra).
    const principal = await this.tenancy.authenticateScimRequest(req);
    if (!principal)
      throw new ScimError(401, undefined, 'missing, invalid or revoked bearer token for this SCIM connection');
    req.user = principal;
    return true;
  }
}
