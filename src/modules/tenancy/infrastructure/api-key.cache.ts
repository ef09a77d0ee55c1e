import { Injectable } from '@nestjs/common';
import type { Principal } from '../../../shared/domain/principal';
import { API_KEY_REVOKED_CHANNEL, RevocationListener } from './revocation-listener';

/** Upper bound on how long a cached verification lives, even if a notification were lost. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface ApiKeyCacheEntry {
  readonly principal: Principal;
  readonly hash: Buffer;
  readonly expiresAt: number;
  lastTouchedAt: number;
}

/**
 * Verified API keys by SHA-256, so an admin call costs no authentication round trip. A revocation
 * drops its key here at commit and in every other replica through NOTIFY (RevocationListener);
 * entries expire after a minute and the cache is off while the LISTEN connection is down.
 */
@Injectable()
export class ApiKeyCache {
  private readonly entries = new Map<string, ApiKeyCacheEntry>();
  /** Bumped by every invalidation: a lookup that started before one must not cache what it read. */
  private generation = 0;

  constructor(private readonly listener: RevocationListener) {
    listener.subscribe(API_KEY_REVOKED_CHANNEL, {
      onRevoked: (keyId) => this.invalidateKey(keyId),
      onLost: () => {
        this.generation++;
        this.entries.clear();
      },
    });
  }

  get(hashHex: string): ApiKeyCacheEntry | undefined {
    const e = this.entries.get(hashHex);
    if (!e) return undefined;
    if (!this.listener.listening || e.expiresAt < Date.now()) {
      this.entries.delete(hashHex);
      return undefined;
    }
    return e;
  }

  /** Pass to set() the generation read before the database lookup. */
  currentGeneration(): number {
    return this.generation;
  }

  set(hashHex: string, hash: Buffer, principal: Principal, lastUsedAt: number, readAtGeneration: number): void {
    if (!this.listener.listening || readAtGeneration !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hashHex, { principal, hash, expiresAt: Date.now() + TTL_MS, lastTouchedAt: lastUsedAt });
  }

  invalidateKey(keyId: string): void {
    this.generation++;
    for (const [k, e] of this.entries) if (e.principal.keyId === keyId) this.entries.delete(k);
  }
}
