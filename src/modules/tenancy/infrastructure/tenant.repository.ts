import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import { TenantEntity } from './tenant.entity';

@Injectable()
export class TenantRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(TenantEntity);
  }

  insert(name: string, ssoDomains: string[]): Promise<TenantEntity> {
    return this.repo.save(this.repo.create({ name, ssoDomains }));
  }

  findById(tenantId: string): Promise<TenantEntity | null> {
    return this.repo.findOneBy({ id: tenantId });
  }

  /** Row-locks the tenant for the rest of the transaction. */
  findByIdForUpdate(tenantId: string): Promise<TenantEntity | null> {
    return this.repo.findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tenantId: string, changes: Partial<Pick<TenantEntity, 'name' | 'ssoDomains'>>): Promise<void> {
    await this.repo.update({ id: tenantId }, { ...changes, updatedAt: () => 'now()' });
  }

  /** Tenants by name (case-insensitive substring), keyset-paged on (lower(name), id). */
  async search(
    q: string | undefined,
    after: { name: string; id: string } | undefined,
    limit: number,
  ): Promise<TenantEntity[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    if (q) {
      params.push(`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`lower(name) LIKE $${params.length}`);
    }
    if (after) {
      params.push(after.name, after.id);
      where.push(`(lower(name), id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const rows = await sqlRows<{
      id: string;
      name: string;
      sso_domains: string[];
      created_at: Date;
      updated_at: Date;
    }>(
      this.tx.manager,
      `SELECT id, name, sso_domains, created_at, updated_at FROM tenancy.tenant
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY lower(name), id LIMIT $1`,
      params,
    );
    return rows.map((r) =>
      Object.assign(new TenantEntity(), {
        id: r.id,
        name: r.name,
        ssoDomains: r.sso_domains,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    );
  }
}
