import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { ScimTokenEntity } from './scim-token.entity';

export interface TokenLookup {
  readonly tokenId: string;
  readonly tokenHash: Buffer;
  readonly tenantId: string;
  readonly connectionId: string;
  readonly lastUsedAt: Date | null;
  /** Not revoked, on a connection that is not deleted. */
  readonly live: boolean;
  readonly connectionDeleted: boolean;
}

@Injectable()
export class ScimTokenRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(ScimTokenEntity);
  }

  insert(
    row: Pick<ScimTokenEntity, 'tenantId' | 'connectionId' | 'name' | 'tokenHash' | 'prefix'>,
  ): Promise<ScimTokenEntity> {
    return this.repo.save(this.repo.create(row));
  }

  listActive(tenantId: string, connectionId: string): Promise<ScimTokenEntity[]> {
    return this.repo.find({
      where: { tenantId, connectionId, revokedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findActive(tenantId: string, connectionId: string, tokenId: string): Promise<ScimTokenEntity | null> {
    return this.repo.findOneBy({ id: tokenId, tenantId, connectionId, revokedAt: IsNull() });
  }

  async revoke(tenantId: string, tokenId: string, replacedBy: string | null = null): Promise<void> {
    await this.repo.update({ id: tokenId, tenantId, revokedAt: IsNull() }, { revokedAt: () => 'now()', replacedBy });
  }

  async revokeAllForConnection(tenantId: string, connectionId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.tx.manager.query(
      `WITH revoked AS (
         UPDATE tenancy.scim_token SET revoked_at = now()
          WHERE tenant_id = $1 AND connection_id = $2 AND revoked_at IS NULL RETURNING id)
       SELECT id FROM revoked`,
      [tenantId, connectionId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The token with this hash, live or not, and whether its connection is deleted (a deleted
   * connection's former tokens are answered 404, not 401). The lookup is by a unique index on the
   * hash; the caller still compares the digests in constant time.
   */
  async findByHash(hash: Buffer): Promise<TokenLookup | null> {
    const rows: Array<{
      id: string;
      token_hash: Buffer;
      tenant_id: string;
      connection_id: string;
      last_used_at: Date | null;
      live: boolean;
      connection_deleted: boolean;
    }> = await this.tx.manager.query(
      `SELECT t.id, t.token_hash, t.tenant_id, t.connection_id, t.last_used_at,
              (t.revoked_at IS NULL AND c.deleted_at IS NULL) AS live,
              (c.deleted_at IS NOT NULL) AS connection_deleted
           FROM tenancy.scim_token t
           JOIN tenancy.scim_connection c ON c.id = t.connection_id
          WHERE t.token_hash = $1`,
      [hash],
    );
    const r = rows[0];
    return r
      ? {
          tokenId: r.id,
          tokenHash: r.token_hash,
          tenantId: r.tenant_id,
          connectionId: r.connection_id,
          lastUsedAt: r.last_used_at,
          live: r.live,
          connectionDeleted: r.connection_deleted,
        }
      : null;
  }

  /** Records use at most once a minute per token, so authentication stays a read. */
  async touch(tokenId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tenancy.scim_token SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      [tokenId],
    );
  }
}
