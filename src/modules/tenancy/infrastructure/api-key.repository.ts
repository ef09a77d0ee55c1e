import { Injectable } from '@nestjs/common';
import { sqlRows } from '../../../shared/database/sql';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { PrincipalScope } from '../../../shared/domain/principal';

export interface ApiKeyRow {
  readonly id: string;
  readonly name: string;
  readonly scope: PrincipalScope;
  readonly tenantId: string | null;
  readonly prefix: string;
  readonly createdByKeyId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

interface Raw {
  id: string;
  name: string;
  scope: PrincipalScope;
  tenant_id: string | null;
  prefix: string;
  created_by_key_id: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, scope, tenant_id, prefix, created_by_key_id, created_at, last_used_at, revoked_at';

const toRow = (r: Raw): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  tenantId: r.tenant_id,
  prefix: r.prefix,
  createdByKeyId: r.created_by_key_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(
    row: Pick<ApiKeyRow, 'name' | 'scope' | 'tenantId' | 'prefix' | 'createdByKeyId'> & { keyHash: Buffer },
  ): Promise<ApiKeyRow> {
    const [r] = await sqlRows<Raw>(
      this.tx.manager,
      `INSERT INTO tenancy.api_key (name, scope, tenant_id, key_hash, prefix, created_by_key_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [row.name, row.scope, row.tenantId, row.keyHash, row.prefix, row.createdByKeyId],
    );
    return toRow(r);
  }

  /** Live keys, oldest first, after the (createdAt in ms — as the API shows it —, id) cursor; of one tenant when `tenantId` is set. */
  async listActive(
    tenantId: string | undefined,
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<ApiKeyRow[]> {
    const rows = await sqlRows<Raw>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.api_key
        WHERE revoked_at IS NULL
          AND ($1::uuid IS NULL OR tenant_id = $1::uuid)
          AND ($2::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($2::timestamptz, $3::uuid))
        ORDER BY date_trunc('milliseconds', created_at), id
        LIMIT $4`,
      [tenantId ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toRow);
  }

  /** Revokes a live key; the revoked row, or null when there is no live key with that id. */
  async revoke(id: string): Promise<ApiKeyRow | null> {
    const [r] = await sqlRows<Raw>(
      this.tx.manager,
      `UPDATE tenancy.api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    return r ? toRow(r) : null;
  }

  /** The live key with this hash (unique index); the caller still compares the digests in constant time. */
  async findActiveByHash(keyHash: Buffer): Promise<(ApiKeyRow & { keyHash: Buffer }) | null> {
    const [r] = await sqlRows<Raw & { key_hash: Buffer }>(
      this.tx.manager,
      `SELECT ${COLUMNS}, key_hash FROM tenancy.api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return r ? { ...toRow(r), keyHash: r.key_hash } : null;
  }

  async isActive(id: string): Promise<boolean> {
    const rows = await sqlRows(this.tx.manager, `SELECT 1 FROM tenancy.api_key WHERE id = $1 AND revoked_at IS NULL`, [
      id,
    ]);
    return rows.length > 0;
  }

  /** Records use at most once a minute per key, so authentication stays a read. */
  async touch(id: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tenancy.api_key SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      [id],
    );
  }
}
