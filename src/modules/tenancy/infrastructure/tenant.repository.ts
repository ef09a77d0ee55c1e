import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
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

  /**
   * Tenants whose name contains `text` (case-insensitive; `%` and `_` match themselves), ordered by
   * (name, id), after the keyset cursor `after`.
   */
  search(q: {
    text?: string;
    onlyTenantId: string | null;
    after: [string, string] | null;
    limit: number;
  }): Promise<TenantEntity[]> {
    const qb = this.repo.createQueryBuilder('t').orderBy('t.name', 'ASC').addOrderBy('t.id', 'ASC').limit(q.limit);
    if (q.text) {
      const pattern = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('t.name ILIKE :pattern', { pattern });
    }
    if (q.onlyTenantId) qb.andWhere('t.id = :id', { id: q.onlyTenantId });
    if (q.after) qb.andWhere('(t.name, t.id) > (:name, :afterId)', { name: q.after[0], afterId: q.after[1] });
    return qb.getMany();
  }

  /** Row-locks the tenant for the rest of the transaction. */
  findByIdForUpdate(tenantId: string): Promise<TenantEntity | null> {
    return this.repo.findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tenantId: string, changes: Partial<Pick<TenantEntity, 'name' | 'ssoDomains'>>): Promise<void> {
    await this.repo.update({ id: tenantId }, { ...changes, updatedAt: () => 'now()' });
  }
}
