import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

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

export interface ScimTokenRecord {
  id: string;
  tenantId: string;
  connectionId: string;
  name: string;
  /** SHA-256 of the secret; the secret itself is never stored. */
  tokenHash: Buffer;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  replacedBy: string | null;
}

interface ScimTokenSqlRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  name: string;
  token_hash: Buffer;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  replaced_by: string | null;
}

const COLUMNS =
  'id, tenant_id, connection_id, name, token_hash, prefix, created_at, last_used_at, revoked_at, replaced_by';

const toRecord = (r: ScimTokenSqlRow): ScimTokenRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  connectionId: r.connection_id,
  name: r.name,
  tokenHash: r.token_hash,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  replacedBy: r.replaced_by,
});

@Injectable()
export class ScimTokenRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(
    row: Pick<ScimTokenRecord, 'tenantId' | 'connectionId' | 'name' | 'tokenHash' | 'prefix'>,
  ): Promise<ScimTokenRecord> {
    const [inserted] = await sqlRows<ScimTokenSqlRow>(
      this.tx.manager,
      `INSERT INTO tenancy.scim_token (tenant_id, connection_id, name, token_hash, prefix)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [row.tenantId, row.connectionId, row.name, row.tokenHash, row.prefix],
    );
    return toRecord(inserted);
  }

  async listActive(tenantId: string, connectionId: string): Promise<ScimTokenRecord[]> {
    const rows = await sqlRows<ScimTokenSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.scim_token
        WHERE tenant_id = $1 AND connection_id = $2 AND revoked_at IS NULL ORDER BY created_at, id`,
      [tenantId, connectionId],
    );
    return rows.map(toRecord);
  }

  async findActive(tenantId: string, connectionId: string, tokenId: string): Promise<ScimTokenRecord | null> {
    const [row] = await sqlRows<ScimTokenSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.scim_token
        WHERE id = $1 AND tenant_id = $2 AND connection_id = $3 AND revoked_at IS NULL`,
      [tokenId, tenantId, connectionId],
    );
    return row ? toRecord(row) : null;
  }

  async revoke(tenantId: string, tokenId: string, replacedBy: string | null = null): Promise<void> {
    await sqlRows(
      this.tx.manager,
      `UPDATE tenancy.scim_token SET revoked_at = now(), replaced_by = $3
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL`,
      [tokenId, tenantId, replacedBy],
    );
  }

  async revokeAllForConnection(tenantId: string, connectionId: string): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
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
    const rows = await sqlRows<{
      id: string;
      token_hash: Buffer;
      tenant_id: string;
      connection_id: string;
      last_used_at: Date | null;
      live: boolean;
      connection_deleted: boolean;
    }>(
      this.tx.manager,
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
    await sqlRows(
      this.tx.manager,
      `UPDATE tenancy.scim_token SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      [tokenId],
    );
  }
}
