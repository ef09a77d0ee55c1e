import { Injectable } from '@nestjs/common';
import type { Principal } from '../../../shared/domain/principal';
import { API_KEY_REVOKED_CHANNEL, RevocationListener } from './revocation-listener';
import { VerifiedSecretCache } from './verified-secret.cache';

/**
 * Verified API keys, so an admin call costs no authentication round trip. A revocation drops its key
 * here at commit and in every other replica through NOTIFY (RevocationListener).
 */
@Injectable()
export class ApiKeyCache extends VerifiedSecretCache<Principal> {
  /** Bumped by every invalidation: a lookup that started before one must not cache what it read. */
  private generation = 0;

  constructor(listener: RevocationListener) {
    super(listener);
    listener.subscribe(API_KEY_REVOKED_CHANNEL, {
      onRevoked: (keyId) => this.invalidateKey(keyId),
      onLost: () => {
        this.generation++;
        this.dropAll();
      },
    });
  }

  /** Pass to set() the generation read before the database lookup. */
  currentGeneration(): number {
    return this.generation;
  }

  set(hashHex: string, hash: Buffer, principal: Principal, lastUsedAt: number, readAtGeneration: number): void {
    if (readAtGeneration === this.generation) this.store(hashHex, hash, principal, lastUsedAt);
  }

  invalidateKey(keyId: string): void {
    this.generation++;
    this.drop((principal) => principal.keyId === keyId);
  }
}
