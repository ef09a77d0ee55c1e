import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import { EventBus } from '../../../shared/events/event-bus';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { StagedUserDeactivatedEvent, StagedUserDeletedEvent } from '../../staging/public';
import { MembershipRevokedEvent } from '../public/events/membership-revoked.event';

interface HeldGroup {
  id: string;
  name: string;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
}

/**
 * `active=false` (any dialect) or DELETE in the IdP revokes the SCIM membership it provisioned at
 * once — not at the next sync. Sessions reacts to the MembershipRevokedEvent. Idempotent: a
 * redelivered event finds the membership already revoked and publishes nothing.
 */
@Injectable()
export class RevokeMembershipOnStagedUserDeprovisionedListener {
  constructor(
    private readonly tx: TransactionHost,
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
    const revoked = await sqlRows<{
      id: string;
      account_id: string;
      tenant_id: string;
      email: string;
      groups: HeldGroup[];
    }>(
      this.tx.manager,
      `WITH r AS (
         UPDATE tenancy.membership
            SET status = 'revoked', revoked_at = now(), revoked_reason = $3, updated_at = now()
          WHERE connection_id = $1 AND staged_user_id = $2 AND source = 'scim' AND status = 'active'
          RETURNING id, account_id, tenant_id)
       SELECT r.*, a.email,
              COALESCE((SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'permissions', g.permissions, 'sites',
                         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)
                                     FROM tenancy.internal_group_site gs JOIN tenancy.site s ON s.id = gs.site_id
                                    WHERE gs.group_id = g.id), '[]'::json)) ORDER BY lower(g.name), g.id)
                          FROM tenancy.membership_group mg JOIN tenancy.internal_group g ON g.id = mg.group_id
                         WHERE mg.membership_id = r.id), '[]'::json) AS groups
         FROM r JOIN tenancy.account a ON a.id = r.account_id`,
      [connectionId, stagedUserId, reason],
    );
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
              access: m.groups.map((g) => ({
                change: 'taken' as const,
                internalGroupId: g.id,
                internalGroupName: g.name,
                permissions: g.permissions,
                sites: g.sites,
                reason: 'idp_removal' as const,
              })),
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
