import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { RateWindows, type RateWindowCount } from '../../../shared/database/rate-windows';

const WINDOW_MS = 60_000;
const MAX_KEYS = 50_000;
const KNOWN_GOOD_PER_CONNECTION = 4;

/**
 * Failed SCIM authentications per client address and per connection id in the path, counted before
 * the token lookup: past the budget (SCIM_AUTH_FAILURES_PER_MINUTE in the minute that starts with a
 * failure) a request is answered 429 + Retry-After without looking the token up. Failures are
 * counted in PostgreSQL (RateWindows), so the budget holds across replicas; only failures count, so
 * an IdP's burst of concurrent first requests with a new, correct token is never refused. Once it
 * has refused a key, this process refuses it until the window ends without asking the database. A
 * token this process has verified for that connection is always looked up, so an attack on a
 * connection's path does not lock its IdP out.
 */
@Injectable()
export class ScimAuthFailureLimiter {
  /** Key → epoch ms until which this process refuses it without asking the database. */
  private readonly refusedUntil = new Map<string, number>();
  private readonly knownGood = new Map<string, Set<string>>();

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly windows: RateWindows,
  ) {}

  /** Throws 429 when the client address or the connection has no failures left, unless the token is known good. */
  async admit(address: string, connectionId: string, tokenHashHex: string): Promise<void> {
    const budget = this.env.SCIM_AUTH_FAILURES_PER_MINUTE;
    if (budget === 0 || this.knownGood.get(connectionId)?.has(tokenHashHex)) return;
    const keys = keysOf(address, connectionId);
    const now = Date.now();
    let until = Math.max(...keys.map((k) => this.refusedUntil.get(k) ?? 0));
    if (until <= now) until = this.refuseSpent(await this.windows.peek(keys), budget - 1, now);
    if (until > now) {
      throw new HttpException(
        {
          message: 'too many failed authentications; retry after the Retry-After delay',
          retryAfter: Math.max(1, Math.ceil((until - now) / 1000)),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async failed(address: string, connectionId: string): Promise<void> {
    const budget = this.env.SCIM_AUTH_FAILURES_PER_MINUTE;
    if (budget === 0) return;
    const keys = keysOf(address, connectionId);
    this.refuseSpent(await this.windows.hit(keys.map((key) => ({ key, ttlMs: WINDOW_MS }))), budget - 1, Date.now());
  }

  succeeded(connectionId: string, tokenHashHex: string): void {
    let set = this.knownGood.get(connectionId);
    if (!set) {
      if (this.knownGood.size >= MAX_KEYS) this.knownGood.delete(this.knownGood.keys().next().value as string);
      set = new Set();
      this.knownGood.set(connectionId, set);
    }
    if (set.size >= KNOWN_GOOD_PER_CONNECTION) set.delete(set.values().next().value as string);
    set.add(tokenHashHex);
  }

  /** Remembers the keys with more than `allowed` failures (the budget is spent) until their window ends; the latest such end (0: none). */
  private refuseSpent(counts: Map<string, RateWindowCount> | undefined, allowed: number, now: number): number {
    let until = 0;
    for (const [key, c] of counts ?? []) {
      if (c.hits > allowed) {
        this.refuse(key, now + c.resetMs);
        until = Math.max(until, now + c.resetMs);
      }
    }
    return until;
  }

  private refuse(key: string, until: number): void {
    this.refusedUntil.delete(key);
    if (this.refusedUntil.size >= MAX_KEYS) {
      const now = Date.now();
      for (const [k, t] of this.refusedUntil) if (t <= now) this.refusedUntil.delete(k);
      if (this.refusedUntil.size >= MAX_KEYS) this.refusedUntil.delete(this.refusedUntil.keys().next().value as string);
    }
    this.refusedUntil.set(key, until);
  }
}

function keysOf(address: string, connectionId: string): string[] {
  return [`authfail-ip:${clientKey(address)}`, `authfail-conn:${connectionId}`];
}

/** An IPv6 client is its /64 (one subscriber's prefix); IPv4-mapped addresses are IPv4. */
function clientKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  const [head] = address.split('::');
  const groups = head.split(':');
  return address.includes('::') && groups.length < 4
    ? `${groups.join(':')}::/64`
    : `${address.split(':').slice(0, 4).join(':')}::/64`;
}
