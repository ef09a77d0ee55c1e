import { HttpException, HttpStatus } from '@nestjs/common';
import { RateWindows, type RateWindowCount } from '../database/rate-windows';

const WINDOW_MS = 60_000;
const MAX_KEYS = 50_000;

/** Called by a verification right before it asks the database about a credential (by its hash). */
export type BeforeLookup = (credentialHashHex: string) => Promise<void>;

/**
 * Failed authentications counted per key the caller names (a client address, a connection id…)
 * before the credential lookup: past the budget (`perMinute` failures in the minute that starts with
 * a failure) a request is answered 429 + Retry-After without looking the credential up. Failures
 * are counted in PostgreSQL (RateWindows), so the budget holds across replicas; only failures count,
 * so a burst of concurrent first requests with a new, correct credential is never refused. Once it
 * has refused a key, this process refuses it until the window ends without asking the database. A
 * credential this process has verified (known good in its group) is always looked up, so an attack
 * from an address or on a path does not lock out the clients that hold a correct one.
 */
export class AuthFailureLimiter {
  /** Key → epoch ms until which this process refuses it without asking the database. */
  private readonly refusedUntil = new Map<string, number>();
  private readonly knownGood = new Map<string, Set<string>>();

  /** `perMinute` 0 turns the limiter off; each group remembers its last `knownGoodPerGroup` verified credentials. */
  constructor(
    private readonly windows: RateWindows,
    private readonly perMinute: number,
    private readonly knownGoodPerGroup: number,
  ) {}

  /**
   * Runs `check`, which calls the BeforeLookup it is given only when it must ask the database (not
   * for a cached or malformed credential); that call throws 429 while a key has no failures left,
   * unless the credential is known good in `group`. A looked-up credential that `accepts` refuses
   * counts one failure on every key and verifies as null; an accepted one becomes known good.
   */
  async verify<T>(
    keys: readonly string[],
    group: string,
    check: (beforeLookup: BeforeLookup) => Promise<T | null>,
    accepts: (result: T) => boolean = () => true,
  ): Promise<T | null> {
    let lookedUp: string | undefined;
    const result = await check(async (hashHex) => {
      await this.admit(keys, group, hashHex);
      lookedUp = hashHex;
    });
    const accepted = result !== null && accepts(result);
    if (lookedUp !== undefined) {
      if (accepted) this.succeeded(group, lookedUp);
      else await this.failed(keys);
    }
    return accepted ? result : null;
  }

  private async admit(keys: readonly string[], group: string, hashHex: string): Promise<void> {
    if (this.perMinute === 0 || this.knownGood.get(group)?.has(hashHex)) return;
    const now = Date.now();
    let until = Math.max(...keys.map((k) => this.refusedUntil.get(k) ?? 0));
    if (until <= now) until = this.refuseSpent(await this.windows.peek([...keys]), now);
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

  private async failed(keys: readonly string[]): Promise<void> {
    if (this.perMinute === 0) return;
    this.refuseSpent(await this.windows.hit(keys.map((key) => ({ key, ttlMs: WINDOW_MS }))), Date.now());
  }

  private succeeded(group: string, hashHex: string): void {
    let set = this.knownGood.get(group);
    if (!set) {
      if (this.knownGood.size >= MAX_KEYS) this.knownGood.delete(this.knownGood.keys().next().value as string);
      set = new Set();
      this.knownGood.set(group, set);
    }
    if (set.size >= this.knownGoodPerGroup) set.delete(set.values().next().value as string);
    set.add(hashHex);
  }

  /** Remembers the keys whose budget is spent until their window ends; the latest such end (0: none). */
  private refuseSpent(counts: Map<string, RateWindowCount> | undefined, now: number): number {
    let until = 0;
    for (const [key, c] of counts ?? []) {
      if (c.hits >= this.perMinute) {
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

/** An IPv6 client is its /64 (one subscriber's prefix); IPv4-mapped addresses are IPv4. */
export function clientKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  const [head] = address.split('::');
  const groups = head.split(':');
  return address.includes('::') && groups.length < 4
    ? `${groups.join(':')}::/64`
    : `${address.split(':').slice(0, 4).join(':')}::/64`;
}
