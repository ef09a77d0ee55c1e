import { Injectable } from '@nestjs/common';
import { EventBus } from '../../../shared/events/event-bus';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { StagedUserDeactivatedEvent, StagedUserDeletedEvent } from '../../staging/public';
import { cappedAccess } from '../domain/named-access';
import { MemberRepository } from '../infrastructure/member.repository';
import { MembershipRevokedEvent } from '../public/events/membership-revoked.event';

/**
 * `active=false` (any dialect) or DELETE in the IdP revokes the SCIM membership it provisioned at
 * once — not at the next sync. Sessions reacts to the MembershipRevokedEvent. Idempotent: a
 * redelivered event finds the membership already revoked and publishes nothing.
 */
@Injectable()
export class RevokeMembershipOnStagedUserDeprovisionedListener {
  constructor(
    private readonly members: MemberRepository,
    private readonly events: EventBus,
  ) {}

  @OnDomainEvent(StagedUserDeactivatedEvent)
  onDeactivated(event: StagedUserDeactivatedEvent): Promise<void> {
    return this.revoke(event, 'scim_deactivated');
  }

  @OnDomainEvent(StagedUserDeletedEvent)
  onDeleted(event: StagedUserDeletedEvent): Promise<void> {
    return this.revoke(event, 'scim_deleted');
  }

  private async revoke(
    event: StagedUserDeactivatedEvent | StagedUserDeletedEvent,
    reason: 'scim_deactivated' | 'scim_deleted',
  ): Promise<void> {
    const { connectionId, stagedUserId } = event.payload;
    // The groups the member held are named in the event: the access the IdP took away with it.
    const revoked = await this.members.revokeForStagedUser(connectionId, stagedUserId, reason);
    await this.events.publish(
      ...revoked.map(
        (m) =>
          new MembershipRevokedEvent(
            {
              accountId: m.account_id,
              membershipId: m.id,
              connectionId,
              stagedUserId,
              reason,
              syncRunId: null,
              email: m.email,
              ...cappedAccess(
                m.groups.map((g) => ({
                  change: 'taken' as const,
                  internalGroupId: g.id,
                  internalGroupName: g.name,
                  permissions: g.permissions,
                  sites: g.sites,
                  reason: 'idp_removal' as const,
                })),
              ),
            },
            {
              tenantId: m.tenant_id,
              correlationId: event.correlationId,
              causationId: event.eventId,
              actor: event.actor,
              sourceIp: event.sourceIp,
            },
          ),
      ),
    );
  }
}
