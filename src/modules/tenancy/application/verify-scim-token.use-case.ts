import { Injectable } from '@nestjs/common';
import { hashSecret, sameHash } from '../domain/hashed-secret';
import { ScimTokenCache } from '../infrastructure/scim-token.cache';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import type { ScimPrincipal } from '../public/scim-bearer.constants';
import { connectionNotFound } from './scim-connection-common';
import { TOUCH_INTERVAL_MS } from './scim-token-common';

@Injectable()
export class VerifyScimTokenUseCase {
  constructor(
    private readonly tokens: ScimTokenRepository,
    private readonly cache: ScimTokenCache,
  ) {}

  /**
   * The principal a presented secret stands for on the connection `connectionId` names, or null.
   * A former token of that connection, now deleted, throws CONNECTION_NOT_FOUND: the README promises
   * 404, and an IdP reads 401 as bad credentials. `beforeLookup` runs (and may throw) only when the
   * database is to be asked. Never logs or returns the secret.
   */
  async execute(
    secret: string,
    connectionId: string | undefined,
    beforeLookup: (tokenHashHex: string) => Promise<void> | void = () => undefined,
  ): Promise<ScimPrincipal | null> {
    if (secret.length < 16 || secret.length > 512) return null;
    const hash = hashSecret(secret);
    const key = hash.toString('hex');
    const cached = this.cache.get(key);
    if (cached && sameHash(cached.hash, hash)) {
      if (Date.now() - cached.lastTouchedAt > TOUCH_INTERVAL_MS) {
        cached.lastTouchedAt = Date.now();
        void this.tokens.touch(cached.principal.tokenId).catch(() => undefined);
      }
      return cached.principal;
    }
    await beforeLookup(key);
    const found = await this.tokens.findByHash(hash);
    if (!found || !sameHash(found.tokenHash, hash)) return null;
    if (found.connectionDeleted && found.connectionId === connectionId) throw connectionNotFound();
    if (!found.live) return null;
    let lastTouched = found.lastUsedAt?.getTime() ?? 0;
    if (Date.now() - lastTouched > TOUCH_INTERVAL_MS) {
      lastTouched = Date.now();
      void this.tokens.touch(found.tokenId).catch(() => undefined);
    }
    const principal = { tenantId: found.tenantId, connectionId: found.connectionId, tokenId: found.tokenId };
    this.cache.set(key, hash, principal, lastTouched);
    return principal;
  }
}
