import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { ScimConnectionEntity } from './scim-connection.entity';

@Injectable()
export class ScimConnectionRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(ScimConnectionEntity);
  }

  insert(tenantId: string, id: string, name: string | null): Promise<ScimConnectionEntity> {
    return this.repo.save(this.repo.create({ id, tenantId, name }));
  }

  /** A connection, deleted or not. */
  find(connectionId: string): Promise<ScimConnectionEntity | null> {
    return this.repo.findOneBy({ id: connectionId });
  }

  /** A live (not deleted) connection. */
  findLive(connectionId: string): Promise<ScimConnectionEntity | null> {
    return this.repo.findOneBy({ id: connectionId, deletedAt: IsNull() });
  }

  /** A live connection, row-locked: serialises token issue/rotate/revoke per connection. */
  findLiveForUpdate(connectionId: string): Promise<ScimConnectionEntity | null> {
    return this.repo.findOne({ where: { id: connectionId, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
  }

  /** Every live connection, oldest first (what scheduled jobs iterate over). */
  listLive(): Promise<ScimConnectionEntity[]> {
    return this.repo.find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  listLiveByTenant(tenantId: string): Promise<ScimConnectionEntity[]> {
    return this.repo.find({ where: { tenantId, deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async markDeleted(tenantId: string, connectionId: string): Promise<void> {
    await this.repo.update({ id: connectionId, tenantId }, { deletedAt: () => 'now()' });
  }
}
