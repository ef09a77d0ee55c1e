import { Injectable } from '@nestjs/common';
import { Strategy, type VerifyFunctionWithRequest } from 'passport-http-bearer';
import { RequestContext } from '../../../shared/context/request-context';
import { VerifyScimTokenUseCase } from '../application/verify-scim-token.use-case';
import { ScimRequestAuthenticator } from '../domain/scim-request-authenticator';
import type { ScimPrincipal, ScimRequestLike } from '../public/scim-bearer.constants';
import { ScimAuthFailureLimiter } from './scim-auth-failure-limiter';

type BearerStrategy = Strategy<VerifyFunctionWithRequest>;
type Attempt = BearerStrategy & {
  success(user: ScimPrincipal): void;
  fail(): void;
  error(err: unknown): void;
};

/**
 * Resolves the SCIM connection from the bearer token's hash. A valid token presented on another
 * connection's path is refused like a wrong one: a token never sees another connection's data.
 *
 * passport-http-bearer parses the request (RFC 6750 §2.1); it is driven directly — one attempt
 * object per request, as passport itself does — rather than through passport and @nestjs/passport's
 * AuthGuard, whose per-request middleware machinery cost more than the check itself on every SCIM
 * request, and whose strategy registry is global to the process.
 */
@Injectable()
export class ScimBearerAuthenticator extends ScimRequestAuthenticator {
  private readonly strategy: BearerStrategy;

  constructor(
    private readonly verify: VerifyScimTokenUseCase,
    private readonly limiter: ScimAuthFailureLimiter,
  ) {
    super();
    const verifyRequest: VerifyFunctionWithRequest = (req, token, done) => {
      this.validate(req as unknown as ScimRequestLike, token).then((principal) => done(null, principal ?? false), done);
    };
    this.strategy = new Strategy({ passReqToCallback: true }, verifyRequest);
  }

  /**
   * The principal, or null for a missing, malformed, unknown, revoked or foreign token. Rejects if
   * verification itself failed, or with CONNECTION_NOT_FOUND for a deleted connection's former token.
   */
  authenticate(req: ScimRequestLike): Promise<ScimPrincipal | null> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as Attempt;
      attempt.success = (user: ScimPrincipal) => resolve(user);
      attempt.fail = () => resolve(null);
      // Passed on as it is: the filters recognise an unreachable database by the driver's error (503).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the strategy's error goes through as it came
      attempt.error = (err: unknown) => reject(err);
      attempt.authenticate(req as never);
    });
  }

  private async validate(req: ScimRequestLike, token: string): Promise<ScimPrincipal | null> {
    // Only the Authorization header: a token in the query string would land in access logs.
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !/^bearer\s/i.test(header)) return null;
    const connectionId = req.params?.connectionId ?? '';
    // Past the failure budget of this address or connection: 429 before the lookup (cached tokens never get there).
    const principal = await this.limiter.verifyOnConnection(req.ip ?? '', connectionId, (beforeLookup) =>
      this.verify.execute(token, connectionId, beforeLookup),
    );
    if (!principal) return null;
    RequestContext.setActor({ type: 'scim', connectionId: principal.connectionId, tokenId: principal.tokenId });
    return principal;
  }
}
