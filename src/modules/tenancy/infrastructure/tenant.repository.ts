import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

export interface TenantRecord {
  id: string;
  name: string;
  ssoDomains: string[];
  createdAt: Date;
  updatedAt: Date;
}

interface TenantSqlRow {
  id: string;
  name: string;
  sso_domains: string[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, sso_domains, created_at, updated_at';

const toRecord = (r: TenantSqlRow): TenantRecord => ({
  id: r.id,
  name: r.name,
  ssoDomains: r.sso_domains,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class TenantRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(name: string, ssoDomains: string[]): Promise<TenantRecord> {
    const [row] = await sqlRows<TenantSqlRow>(
      this.tx.manager,
      `INSERT INTO tenancy.tenant (name, sso_domains) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [name, ssoDomains],
    );
    return toRecord(row);
  }

  async findById(tenantId: string): Promise<TenantRecord | null> {
    const [row] = await sqlRows<TenantSqlRow>(this.tx.manager, `SELECT ${COLUMNS} FROM tenancy.tenant WHERE id = $1`, [
      tenantId,
    ]);
    return row ? toRecord(row) : null;
  }

  /** Row-locks the tenant for the rest of the transaction. */
  async findByIdForUpdate(tenantId: string): Promise<TenantRecord | null> {
    const [row] = await sqlRows<TenantSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.tenant WHERE id = $1 FOR UPDATE`,
      [tenantId],
    );
    return row ? toRecord(row) : null;
  }

  async update(tenantId: string, changes: Partial<Pick<TenantRecord, 'name' | 'ssoDomains'>>): Promise<void> {
    await sqlRows(
      this.tx.manager,
      `UPDATE tenancy.tenant
          SET name = COALESCE($2, name), sso_domains = COALESCE($3, sso_domains), updated_at = now()
        WHERE id = $1`,
      [tenantId, changes.name ?? null, changes.ssoDomains ?? null],
    );
  }

  /** Tenants by name (case-insensitive substring), keyset-paged on (lower(name), id). */
  async search(
    q: string | undefined,
    after: { name: string; id: string } | undefined,
    limit: number,
    onlyTenantId: string | null = null,
  ): Promise<TenantRecord[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    if (onlyTenantId) {
      params.push(onlyTenantId);
      where.push(`id = $${params.length}::uuid`);
    }
    if (q) {
      params.push(`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`lower(name) LIKE $${params.length}`);
    }
    if (after) {
      params.push(after.name, after.id);
      where.push(`(lower(name), id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const rows = await sqlRows<TenantSqlRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM tenancy.tenant
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY lower(name), id LIMIT $1`,
      params,
    );
    return rows.map(toRecord);
  }
}
