import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { ScimPrincipal } from '../public/scim-bearer.constants';
import { RevocationListener, TOKEN_REVOKED_CHANNEL } from './revocation-listener';

/** Upper bound on how long a cached verification lives, even if a notification were lost. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: ScimPrincipal;
  hash: Buffer;
  expiresAt: number;
  lastTouchedAt: number;
}

/**
 * Verified SCIM tokens by SHA-256, so a SCIM request costs no authentication round trip. Revocation,
 * rotation and connection deletion invalidate entries synchronously in this process after their
 * commit (before the admin call answers) and, through PostgreSQL NOTIFY, in every other replica
 * within milliseconds. Entries also expire after a minute, and the whole cache is dropped whenever
 * the LISTEN connection is lost, so a missed notification cannot keep a revoked token alive.
 */
@Injectable()
export class ScimTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly listener: RevocationListener,
    private readonly tx: TransactionHost,
  ) {
    listener.subscribe(TOKEN_REVOKED_CHANNEL, {
      onRevoked: (connectionId) => this.invalidateConnection(connectionId),
      onLost: () => this.entries.clear(),
    });
  }

  get(hashHex: string): Entry | undefined {
    const e = this.entries.get(hashHex);
    if (!e) return undefined;
    if (!this.listener.listening || e.expiresAt < Date.now()) {
      this.entries.delete(hashHex);
      return undefined;
    }
    return e;
  }

  set(hashHex: string, hash: Buffer, principal: ScimPrincipal, lastUsedAt: number): void {
    // Without a live LISTEN connection we cannot hear revocations from other replicas: don't cache.
    if (!this.listener.listening) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hashHex, { principal, hash, expiresAt: Date.now() + TTL_MS, lastTouchedAt: lastUsedAt });
  }

  /** Drops cached verifications of this connection's tokens here at commit, and in other replicas by NOTIFY. */
  async announceRevocation(connectionId: string): Promise<void> {
    await this.listener.notify(TOKEN_REVOKED_CHANNEL, connectionId);
    this.tx.afterCommit(() => this.invalidateConnection(connectionId));
  }

  invalidateConnection(connectionId: string): void {
    for (const [k, e] of this.entries) if (e.principal.connectionId === connectionId) this.entries.delete(k);
  }
}
