import { Injectable } from '@nestjs/common';
import type { Principal, StoredApiKeys } from '../../../shared/domain/principal';
import { looksLikeApiKey } from '../domain/api-key';
import { hashSecret, sameHash } from '../domain/hashed-secret';
import { ApiKeyCache } from '../infrastructure/api-key.cache';
import { ApiKeyRepository } from '../infrastructure/api-key.repository';
import { isUuid } from '../../../shared/domain/uuid';

/** lastUsedAt is recorded at most this often per key, so authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;

/** Tenancy's answer to "which key is this secret?" for the guard and the console (STORED_API_KEYS). */
@Injectable()
export class VerifyApiKeyUseCase implements StoredApiKeys {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  /** Not revoked (a console session made from the key ends with it). */
  async isActive(keyId: string): Promise<boolean> {
    return isUuid(keyId) && (await this.keys.isActive(keyId));
  }

  async verify(secret: string, beforeLookup?: (keyHashHex: string) => Promise<void>): Promise<Principal | null> {
    if (!looksLikeApiKey(secret)) return null;
    const hash = hashSecret(secret);
    const cacheKey = hash.toString('hex');
    const cached = this.cache.get(cacheKey);
    if (cached && sameHash(cached.hash, hash)) {
      if (Date.now() - cached.lastTouchedAt > TOUCH_INTERVAL_MS) {
        cached.lastTouchedAt = Date.now();
        void this.keys.touch(cached.principal.keyId).catch(() => undefined);
      }
      return cached.principal;
    }
    await beforeLookup?.(cacheKey);
    const generation = this.cache.currentGeneration();
    const found = await this.keys.findActiveByHash(hash);
    if (!found || !sameHash(found.keyHash, hash)) return null;
    let lastTouched = found.lastUsedAt?.getTime() ?? 0;
    if (Date.now() - lastTouched > TOUCH_INTERVAL_MS) {
      lastTouched = Date.now();
      void this.keys.touch(found.id).catch(() => undefined);
    }
    const principal: Principal = Object.freeze({
      keyId: found.id,
      keyName: found.name,
      scope: found.scope,
      tenantId: found.tenantId,
    });
    this.cache.set(cacheKey, hash, principal, lastTouched, generation);
    return principal;
  }
}
