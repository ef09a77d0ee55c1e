import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { cappedAccess } from '../domain/named-access';
import { MemberRepository } from '../infrastructure/member.repository';
import { ScimGroupAccessRepository } from '../infrastructure/scim-group-access.repository';
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
    private readonly groups: ScimGroupAccessRepository,
  ) {}

  async execute(tenantId: string, accountId: string): Promise<void> {
    await assertTenantExists(this.tenants, tenantId);
    if (!isUuid(accountId)) throw memberNotFound();
    await this.tx.run(async () => {
      // What the member held, named in the event: the access the admin took away with the membership.
      const held = await this.members.findByAccount(tenantId, accountId);
      const revoked = await this.members.revoke(tenantId, accountId, 'admin');
      if (!revoked) {
        if (!held) throw memberNotFound();
        return;
      }
      const described = await this.groups.describeGroups(tenantId, held?.groups.map((g) => g.id) ?? []);
      await this.events.publish(
        new MembershipRevokedEvent(
          {
            accountId,
            membershipId: revoked.id,
            connectionId: revoked.connection_id,
            stagedUserId: revoked.staged_user_id,
            reason: 'admin',
            syncRunId: null,
            ...(held ? { email: held.email } : {}),
            ...cappedAccess(
              [...described].map(([id, g]) => ({
                change: 'taken' as const,
                internalGroupId: id,
                internalGroupName: g.name,
                permissions: g.permissions,
                sites: g.sites,
                reason: 'admin' as const,
              })),
            ),
          },
          { tenantId },
        ),
      );
    });
  }
}
