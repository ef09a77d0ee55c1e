import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_KEYS = 50_000;
const KNOWN_GOOD_PER_CONNECTION = 4;

/**
 * Failed SCIM authentications per client address and per connection id in the path, counted before
 * the token lookup: past the budget (SCIM_AUTH_FAILURES_PER_MINUTE, a token bucket refilled over a
 * minute) a request is answered 429 + Retry-After without touching the database. A token this process
 * has verified for that connection is always looked up, so an attack on a connection's path does not
 * lock its IdP out. Counts are per process.
 */
@Injectable()
export class ScimAuthFailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly knownGood = new Map<string, Set<string>>();

  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  /** Throws 429 when the client address or the connection has no failures left, unless the token is known good. */
  admit(address: string, connectionId: string, tokenHashHex: string): void {
    const budget = this.env.SCIM_AUTH_FAILURES_PER_MINUTE;
    if (budget === 0 || this.knownGood.get(connectionId)?.has(tokenHashHex)) return;
    const now = Date.now();
    const wait = Math.max(
      this.waitFor(`ip:${clientKey(address)}`, budget, now),
      this.waitFor(`conn:${connectionId}`, budget, now),
    );
    if (wait > 0) {
      throw new HttpException(
        { message: 'too many failed authentications; retry after the Retry-After delay', retryAfter: wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  failed(address: string, connectionId: string): void {
    const budget = this.env.SCIM_AUTH_FAILURES_PER_MINUTE;
    if (budget === 0) return;
    const now = Date.now();
    this.spend(`ip:${clientKey(address)}`, budget, now);
    this.spend(`conn:${connectionId}`, budget, now);
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

  /** Seconds until `key` may fail again (0: now). */
  private waitFor(key: string, budget: number, now: number): number {
    const b = this.refill(key, budget, now);
    if (!b || b.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / budget));
  }

  private spend(key: string, budget: number, now: number): void {
    const b = this.refill(key, budget, now) ?? { tokens: budget, at: now };
    b.tokens = Math.max(0, b.tokens - 1);
    // Re-inserted so the map's order is least recently failed first (evicted first).
    this.buckets.delete(key);
    if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, b);
  }

  private refill(key: string, budget: number, now: number): Bucket | undefined {
    const b = this.buckets.get(key);
    if (!b) return undefined;
    b.tokens = Math.min(budget, b.tokens + ((now - b.at) / 60_000) * budget);
    b.at = now;
    return b;
  }
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
