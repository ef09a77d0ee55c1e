import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import { RateWindows } from '../database/rate-windows';
import type { Principal } from '../domain/principal';
import { AuthFailureLimiter, clientKey, type BeforeLookup } from './auth-failure-limiter';

/** As many verified keys as the API-key cache holds stay known good. */
const KNOWN_GOOD_KEYS = 10_000;

/**
 * Failed API-key authentications — admin and sessions API bearers, console sign-ins — per client
 * address (ADMIN_AUTH_FAILURES_PER_MINUTE). A key this process has verified is always looked up, so
 * an operator sharing the attacker's address (a NATed office) keeps working.
 */
@Injectable()
export class AdminAuthFailureLimiter extends AuthFailureLimiter {
  constructor(@Inject(APP_ENV) env: AppEnv, windows: RateWindows) {
    super(windows, env.ADMIN_AUTH_FAILURES_PER_MINUTE, KNOWN_GOOD_KEYS);
  }

  /** The principal `check` finds for a key presented from `address`. */
  verifyFrom(address: string, check: (beforeLookup: BeforeLookup) => Promise<Principal | null>) {
    return this.verify([`authfail-key-ip:${clientKey(address)}`], 'api-keys', check);
  }
}
