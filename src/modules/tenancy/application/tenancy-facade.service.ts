import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import { isConnectionId, isUuid } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenancyFacade, type ActiveMembershipRef, type ConnectionRef } from '../public/tenancy.facade';

@Injectable()
export class TenancyFacadeService extends TenancyFacade {
  constructor(
    private readonly connections: ScimConnectionRepository,
    private readonly tx: TransactionHost,
  ) {
    super();
  }

  async findLiveConnection(connectionId: string): Promise<ConnectionRef | null> {
    if (!isConnectionId(connectionId)) return null;
    const c = await this.connections.findLive(connectionId);
    return c ? { id: c.id, tenantId: c.tenantId } : null;
  }

  async findActiveMembership(tenantId: string, email: string): Promise<ActiveMembershipRef | null> {
    if (!isUuid(tenantId)) return null;
    const [row] = await sqlRows<{ membership_id: string; account_id: string; email: string }>(
      this.tx.manager,
      `SELECT m.id AS membership_id, a.id AS account_id, a.email
         FROM tenancy.account a JOIN tenancy.membership m ON m.account_id = a.id
        WHERE a.email = lower($2) AND m.tenant_id = $1 AND m.status = 'active'`,
      [tenantId, email.trim()],
    );
    return row ? { membershipId: row.membership_id, accountId: row.account_id, tenantId, email: row.email } : null;
  }

  async isMembershipActive(tenantId: string, accountId: string): Promise<boolean> {
    if (!isUuid(tenantId) || !isUuid(accountId)) return false;
    const rows = await sqlRows(
      this.tx.manager,
      `SELECT 1 FROM tenancy.membership WHERE tenant_id = $1 AND account_id = $2 AND status = 'active'`,
      [tenantId, accountId],
    );
    return rows.length > 0;
  }
}
