import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

export interface ScimConnectionRecord {
  id: string;
  tenantId: string;
  name: string | null;
  createdAt: Date;
  deletedAt: Date | null;
}

interface ScimConnectionSqlRow {
  id: string;
  tenant_id: string;
  name: string | null;
  created_at: Date;
  deleted_at: Date | null;
}

const COLUMNS = 'id, tenant_id, name, created_at, deleted_at';

const toRecord = (r: ScimConnectionSqlRow): ScimConnectionRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

@Injectable()
export class ScimConnectionRepository {
  constructor(private readonly tx: TransactionHost) {}

  private async one(sql: string, params: unknown[]): Promise<ScimConnectionRecord | null> {
    const [row] = await sqlRows<ScimConnectionSqlRow>(this.tx.manager, sql, params);
    return row ? toRecord(row) : null;
  }

  async insert(tenantId: string, id: string, name: string | null): Promise<ScimConnectionRecord> {
    return (await this.one(
      `INSERT INTO tenancy.scim_connection (id, tenant_id, name) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [id, tenantId, name],
    ))!;
  }

  /** A connection, deleted or not. */
  find(connectionId: string): Promise<ScimConnectionRecord | null> {
    return this.one(`SELECT ${COLUMNS} FROM tenancy.scim_connection WHERE id = $1`, [connectionId]);
  }

  /** A live (not deleted) connection. */
  findLive(connectionId: string): Promise<ScimConnectionRecord | null> {
    return this.one(`SELECT ${COLUMNS} FROM tenancy.scim_connection WHERE id = $1 AND deleted_at IS NULL`, [
      connectionId,
    ]);
  }

  /** The tenant of a connection, live or deleted. */
  async tenantOf(connectionId: string): Promise<string | null> {
    const [row] = await sqlRows<{ tenant_id: string }>(
      this.tx.manager,
      `SELECT tenant_id FROM tenancy.scim_connection WHERE id = $1`,
      [connectionId],
    );
    return row?.tenant_id ?? null;
  }

  /** A live connection, row-locked: serialises token issue/rotate/revoke per connection. */
  findLiveForUpdate(connectionId: string): Promise<ScimConnectionRecord | null> {
    return this.one(`SELECT ${COLUMNS} FROM tenancy.scim_connection WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [
      connectionId,
    ]);
  }

  /** Every live connection, oldest first (what scheduled jobs iterate over). */
  async listLive(): Promise<ScimConnectionRecord[]> {
    const rows = await sqlRows<ScimConnectionSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.scim_connection WHERE deleted_at IS NULL ORDER BY created_at, id`,
    );
    return rows.map(toRecord);
  }

  async listLiveByTenant(tenantId: string): Promise<ScimConnectionRecord[]> {
    const rows = await sqlRows<ScimConnectionSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.scim_connection
        WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  async markDeleted(tenantId: string, connectionId: string): Promise<void> {
    await sqlRows(
      this.tx.manager,
      `UPDATE tenancy.scim_connection SET deleted_at = now() WHERE id = $1 AND tenant_id = $2`,
      [connectionId, tenantId],
    );
  }
}
