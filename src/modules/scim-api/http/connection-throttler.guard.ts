import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorage,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  InjectThrottlerOptions,
  InjectThrottlerStorage,
} from '@nestjs/throttler';
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

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.user as ScimPrincipal | undefined;
    return Promise.resolve(principal ? `scim:${principal.connectionId}` : `ip:${String(req.ip)}`);
  }

  /**
   * One budget per connection (and throttler) across every SCIM route. The library's default key
   * also hashes in the controller and handler names, which would give a connection a fresh budget
   * per endpoint — 8 discovery/resource routes, 8 × the configured rate.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  /**
   * Named throttlers make the library send `Retry-After-burst` / `Retry-After-sustained`; clients read
   * `Retry-After` (RFC 9110 §10.2.3). Announce the real block of the throttler that refused — ten
   * seconds for the sustained limit, not the SCIM filter's fallback of one — so an IdP honouring it
   * (Entra suspends the job for that long, idp-dialects #34) is not refused again.
   */
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = this.getRequestResponse(context).res as { header(name: string, value: string): unknown };
    void res.header('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    return super.throwThrottlingException(context, detail);
  }
}
