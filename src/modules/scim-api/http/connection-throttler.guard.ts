import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { RateWindows } from '../../../shared/database/rate-windows';
import type { ScimPrincipal } from '../../tenancy/public';

/**
 * Per-connection rate limit, applied after ScimBearerGuard so the key is the authenticated
 * connection, not an IP shared by every tenant of one IdP, and one budget across every SCIM route.
 * SCIM_RATE_LIMIT_PER_SECOND + SCIM_RATE_LIMIT_BURST requests in the second that starts with a
 * request, 10 × SCIM_RATE_LIMIT_PER_SECOND in ten seconds; counted in PostgreSQL so the limit holds
 * across replicas (RateWindows). `SCIM_RATE_LIMIT_PER_SECOND=0` turns it off.
 */
@Injectable()
export class ConnectionThrottlerGuard implements CanActivate {
  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly windows: RateWindows,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rate = this.env.SCIM_RATE_LIMIT_PER_SECOND;
    const principal = context.switchToHttp().getRequest<{ user?: ScimPrincipal }>().user;
    if (rate === 0 || !principal) return true;
    const limits = [
      { key: `scim-burst:${principal.connectionId}`, ttlMs: 1000, limit: rate + this.env.SCIM_RATE_LIMIT_BURST },
      { key: `scim-sustained:${principal.connectionId}`, ttlMs: 10_000, limit: rate * 10 },
    ];
    const counts = await this.windows.hit(limits);
    if (!counts) return true;
    const refused = limits.filter((l) => (counts.get(l.key)?.hits ?? 0) > l.limit);
    if (refused.length === 0) return true;
    const waitMs = Math.max(...refused.map((l) => counts.get(l.key)?.resetMs ?? 0));
    // The end of the window that refused — ten seconds at most for the sustained one — so an IdP
    // honouring Retry-After (RFC 9110 §10.2.3; Entra suspends the job that long, idp-dialects #34) is served next time.
    throw new HttpException(
      {
        message: 'too many requests for this SCIM connection; retry after the Retry-After delay',
        retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
