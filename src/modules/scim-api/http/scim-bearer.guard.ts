import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { TenancyFacade, type ScimRequestLike } from '../../tenancy/public';
import { ScimError } from '../../../shared/scim/scim-error';

/** Per-connection bearer authentication (Tenancy checks the token); failures become a SCIM 401 with WWW-Authenticate. */
@Injectable()
export class ScimBearerGuard implements CanActivate {
  constructor(private readonly tenancy: TenancyFacade) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ScimRequestLike & { user?: unknown }>();
    // A failed verification (the database unreachable) is refused like a bad token, as before.
    const principal = await this.tenancy.authenticateScimRequest(req).catch(() => null);
    if (!principal) throw new ScimError(401, undefined, 'missing, invalid or revoked bearer token for this SCIM connection');
    req.user = principal;
    return true;
  }
}
