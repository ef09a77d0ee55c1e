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

  /** Row-locks the tenant for the rest of the transaction. */
  findByIdForUpdate(tenantId: string): Promise<TenantEntity | null> {
    return this.repo.findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tenantId: string, changes: Partial<Pick<TenantEntity, 'name' | 'ssoDomains'>>): Promise<void> {
    await this.repo.update({ id: tenantId }, { ...changes, updatedAt: () => 'now()' });
  }
}
