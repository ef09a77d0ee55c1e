import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { AdminAuthFailureLimiter } from './admin-auth-failure-limiter';
import { ADMIN_TOKEN } from './admin-token.constants';
import {
  ApiKeyVerifier,
  BOOTSTRAP_PRINCIPAL,
  STORED_API_KEYS,
  type Principal,
  type StoredApiKeys,
} from '../domain/principal';

export { BOOTSTRAP_PRINCIPAL };

/**
 * The bootstrap key (ADMIN_TOKEN, compared as SHA-256 digests in constant time), then the keys
 * Tenancy stores (STORED_API_KEYS), their lookups budgeted per client address (AdminAuthFailureLimiter).
 */
@Injectable()
export class BootstrapKeyVerifier extends ApiKeyVerifier {
  private readonly expected: Buffer;

  constructor(
    @Inject(ADMIN_TOKEN) adminToken: string,
    @Optional() @Inject(STORED_API_KEYS) private readonly stored: StoredApiKeys | null,
    private readonly limiter: AdminAuthFailureLimiter,
  ) {
    super();
    this.expected = hash('sha256', adminToken, 'buffer');
  }

  verify(secret: string, clientAddress: string): Promise<Principal | null> {
    if (timingSafeEqual(hash('sha256', secret, 'buffer'), this.expected)) return Promise.resolve(BOOTSTRAP_PRINCIPAL);
    const stored = this.stored;
    if (!stored) return Promise.resolve(null);
    return this.limiter.verifyFrom(clientAddress, (beforeLookup) => stored.verify(secret, beforeLookup));
  }

  isActive(keyId: string): Promise<boolean> {
    if (keyId === BOOTSTRAP_PRINCIPAL.keyId) return Promise.resolve(true);
    return this.stored ? this.stored.isActive(keyId) : Promise.resolve(false);
  }
}
