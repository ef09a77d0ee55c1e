import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { RequestContext } from '../../../shared/http/request-context';
import { VerifyScimTokenUseCase } from '../application/scim-token.use-cases';
import { SCIM_BEARER, type ScimPrincipal } from '../public/scim-bearer.constants';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}

/**
 * Resolves the SCIM connection from the bearer token's hash. A valid token presented on another
 * connection's path is refused like a wrong one: a token never sees another connection's data.
 */
@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, SCIM_BEARER) {
  constructor(private readonly verify: VerifyScimTokenUseCase) {
    super({ passReqToCallback: true });
  }

  async validate(req: RequestLike, token: string): Promise<ScimPrincipal | false> {
    // Only the Authorization header: a token in the query string would land in access logs.
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !/^bearer\s/i.test(header)) return false;
    const principal = await this.verify.execute(token);
    if (!principal || principal.connectionId !== req.params?.connectionId) return false;
    RequestContext.setActor({ type: 'scim', connectionId: principal.connectionId, tokenId: principal.tokenId });
    return principal;
  }
}
