import { RevocationListener } from './revocation-listener';

/** Upper bound on how long a cached verification lives, even if a notification were lost. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface VerifiedSecretEntry<P> {
  readonly principal: P;
  readonly hash: Buffer;
  readonly expiresAt: number;
  lastTouchedAt: number;
}

/**
 * Verified secrets by the hex of their SHA-256, so a request they authenticate costs no database
 * round trip. Entries expire after a minute, and none is served or stored while the LISTEN
 * connection is down: a revocation announced by another replica could not be heard.
 */
export abstract class VerifiedSecretCache<P> {
  private readonly entries = new Map<string, VerifiedSecretEntry<P>>();

  constructor(protected readonly listener: RevocationListener) {}

  get(hashHex: string): VerifiedSecretEntry<P> | undefined {
    const e = this.entries.get(hashHex);
    if (!e) return undefined;
    if (!this.listener.listening || e.expiresAt < Date.now()) {
      this.entries.delete(hashHex);
      return undefined;
    }
    return e;
  }

  protected store(hashHex: string, hash: Buffer, principal: P, lastUsedAt: number): void {
    if (!this.listener.listening) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hashHex, { principal, hash, expiresAt: Date.now() + TTL_MS, lastTouchedAt: lastUsedAt });
  }

  protected drop(revoked: (principal: P) => boolean): void {
    for (const [k, e] of this.entries) if (revoked(e.principal)) this.entries.delete(k);
  }

  protected dropAll(): void {
    this.entries.clear();
  }
}
