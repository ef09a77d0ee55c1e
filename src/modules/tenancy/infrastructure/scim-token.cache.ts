import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { ScimPrincipal } from '../public/scim-bearer.constants';
import { RevocationListener, TOKEN_REVOKED_CHANNEL } from './revocation-listener';
import { VerifiedSecretCache } from './verified-secret.cache';

/**
 * Verified SCIM tokens, so a SCIM request costs no authentication round trip. Revocation, rotation
 * and connection deletion invalidate entries synchronously in this process after their commit
 * (before the admin call answers) and, through PostgreSQL NOTIFY, in every other replica within
 * milliseconds; the whole cache is dropped whenever the LISTEN connection is lost.
 */
@Injectable()
export class ScimTokenCache extends VerifiedSecretCache<ScimPrincipal> {
  constructor(
    listener: RevocationListener,
    private readonly tx: TransactionHost,
  ) {
    super(listener);
    listener.subscribe(TOKEN_REVOKED_CHANNEL, {
      onRevoked: (connectionId) => this.invalidateConnection(connectionId),
      onLost: () => this.dropAll(),
    });
  }

  set(hashHex: string, hash: Buffer, principal: ScimPrincipal, lastUsedAt: number): void {
    this.store(hashHex, hash, principal, lastUsedAt);
  }

  /** Drops cached verifications of this connection's tokens here at commit, and in other replicas by NOTIFY. */
  async announceRevocation(connectionId: string): Promise<void> {
    await this.listener.notify(TOKEN_REVOKED_CHANNEL, connectionId);
    this.tx.afterCommit(() => this.invalidateConnection(connectionId));
  }

  invalidateConnection(connectionId: string): void {
    this.drop((principal) => principal.connectionId === connectionId);
  }
}
