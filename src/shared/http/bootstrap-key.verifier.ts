import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
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
 * Tenancy stores (STORED_API_KEYS).
 */
@Injectable()
export class BootstrapKeyVerifier extends ApiKeyVerifier {
  private readonly expected: Buffer;

  constructor(
    @Inject(ADMIN_TOKEN) adminToken: string,
    @Optional() @Inject(STORED_API_KEYS) private readonly stored: StoredApiKeys | null,
  ) {
    super();
    this.expected = hash('sha256', adminToken, 'buffer');
  }

  verify(secret: string): Promise<Principal | null> {
    if (timingSafeEqual(hash('sha256', secret, 'buffer'), this.expected)) return Promise.resolve(BOOTSTRAP_PRINCIPAL);
    return this.stored ? this.stored.verify(secret) : Promise.resolve(null);
  }

  isActive(keyId: string): Promise<boolean> {
    if (keyId === BOOTSTRAP_PRINCIPAL.keyId) return Promise.resolve(true);
    return this.stored ? this.stored.isActive(keyId) : Promise.resolve(false);
  }
}
