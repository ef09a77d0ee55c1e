import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { MemberRepository } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { MemberAddedEvent } from '../public/events/member-added.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { toMemberView, type MemberView } from './member-common';
import { assertTenantExists } from './tenant-common';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Adds a manual member — the host product's own user, of any domain; Sync never takes it over. A
 * revoked membership of the same account is restored as manual; an active one is a 409.
 */
@Injectable()
export class AddManualMemberUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly members: MemberRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(tenantId: string, rawEmail: string): Promise<{ created: boolean; member: MemberView }> {
    await assertTenantExists(this.tenants, tenantId);
    const email = rawEmail.trim().toLowerCase();
    if (email.length > 254 || !EMAIL.test(email)) {
      throw new TenancyError(TenancyErrorCode.INVALID_EMAIL, 'email is not an email address', [
        { field: 'email', problem: 'must be an email address' },
      ]);
    }
    return this.tx.run(async () => {
      const { accountId, membership } = await this.members.lockMembershipByEmail(tenantId, email);
      if (membership?.status === 'active')
        throw new TenancyError(TenancyErrorCode.MEMBER_EXISTS, 'the account is already a member of the tenant');
      let membershipId: string;
      if (membership) {
        await this.members.restoreAsManual(tenantId, membership.id);
        membershipId = membership.id;
      } else {
        membershipId = await this.members.insertManual(tenantId, accountId);
      }
      await this.events.publish(
        new MemberAddedEvent(
          { accountId, membershipId, source: 'manual', restored: membership !== null, email },
          { tenantId },
        ),
      );
      const member = toMemberView((await this.members.findByAccount(tenantId, accountId))!);
      return { created: membership === null, member };
    });
  }
}
