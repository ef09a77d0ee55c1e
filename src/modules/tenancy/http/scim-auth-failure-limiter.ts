import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { RateWindows } from '../../../shared/database/rate-windows';
import { AuthFailureLimiter, clientKey, type BeforeLookup } from '../../../shared/http/auth-failure-limiter';
import type { ScimPrincipal } from '../public/scim-bearer.constants';

/** A connection's IdP rotates its token now and then: its few latest verified tokens are known good. */
const KNOWN_GOOD_PER_CONNECTION = 4;

/**
 * Failed SCIM authentications per client address and per connection id in the path
 * (SCIM_AUTH_FAILURES_PER_MINUTE each); a token this process has verified for that connection is
 * always looked up, so an attack on a connection's path does not lock its IdP out.
 */
@Injectable()
export class ScimAuthFailureLimiter extends AuthFailureLimiter {
  constructor(@Inject(APP_ENV) env: AppEnv, windows: RateWindows) {
    super(windows, env.SCIM_AUTH_FAILURES_PER_MINUTE, KNOWN_GOOD_PER_CONNECTION);
  }

  /** The principal `check` finds for the connection `connectionId`; a token of another connection fails. */
  verifyOnConnection(
    address: string,
    connectionId: string,
    check: (beforeLookup: BeforeLookup) => Promise<ScimPrincipal | null>,
  ): Promise<ScimPrincipal | null> {
    const keys = [`authfail-ip:${clientKey(address)}`, `authfail-conn:${connectionId}`];
    return this.verify(keys, connectionId, check, (principal) => principal.connectionId === connectionId);
  }
}
