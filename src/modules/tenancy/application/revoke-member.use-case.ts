import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { MemberRepository } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { MembershipRevokedEvent } from '../public/events/membership-revoked.event';
import { memberNotFound } from './member-common';
import { assertTenantExists } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** Revokes the account's membership (reason `admin`); idempotent. Sync will not restore it. */
@Injectable()
export class RevokeMemberUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly members: MemberRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(tenantId: string, accountId: string): Promise<void> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(accountId)) throw memberNotFound();
    await this.tx.run(async () => {
      const revoked = await this.members.revoke(tenantId, accountId, 'admin');
      if (!revoked) {
        if (!(await this.members.findByAccount(tenantId, accountId))) throw memberNotFound();
        return;
      }
      await this.events.publish(
        new MembershipRevokedEvent(
          {
            accountId,
            membershipId: revoked.id,
            connectionId: revoked.connection_id,
            stagedUserId: revoked.staged_user_id,
            reason: 'admin',
            syncRunId: null,
          },
          { tenantId },
        ),
      );
    });
  }
}
