import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN } from './admin-token.constants';
import { ApiKeyVerifier, type Principal } from './principal';

export const BOOTSTRAP_PRINCIPAL: Principal = Object.freeze({
  keyId: 'bootstrap',
  keyName: 'ADMIN_TOKEN',
  scope: 'admin',
  tenantId: null,
});

/** The bootstrap key (ADMIN_TOKEN): compared as SHA-256 digests in constant time. */
@Injectable()
export class BootstrapKeyVerifier extends ApiKeyVerifier {
  private readonly expected: Buffer;

  constructor(@Inject(ADMIN_TOKEN) adminToken: string) {
    super();
    this.expected = createHash('sha256').update(adminToken).digest();
  }

  verify(secret: string): Promise<Principal | null> {
    const presented = createHash('sha256').update(secret).digest();
    return Promise.resolve(timingSafeEqual(presented, this.expected) ? BOOTSTRAP_PRINCIPAL : null);
  }

  isActive(keyId: string): Promise<boolean> {
    return Promise.resolve(keyId === BOOTSTRAP_PRINCIPAL.keyId);
  }
}
