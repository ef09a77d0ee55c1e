import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorage, type ThrottlerModuleOptions, InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import type { ScimPrincipal } from '../../tenancy/public';

/**
 * Per-connection rate limit, applied after ScimBearerGuard so the key is the authenticated
 * connection, not an IP shared by every tenant of one IdP. `SCIM_RATE_LIMIT_PER_SECOND=0` turns it off.
 */
@Injectable()
export class ConnectionThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.env.SCIM_RATE_LIMIT_PER_SECOND === 0) return true;
    return super.canActivate(context);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.user as ScimPrincipal | undefined;
    return principal ? `scim:${principal.connectionId}` : `ip:${String(req.ip)}`;
  }
}
