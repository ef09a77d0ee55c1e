import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { StagedGroupMembersLeftEvent } from '../../staging/public';
import { RevokeScimGroupAccessUseCase } from './revoke-scim-group-access.use-case';

/**
 * A user removed from a SCIM group, the group deleted or renamed in the IdP: the internal groups
 * that SCIM group's former name mapped to are taken back at once, not at the next sync.
 */
@Injectable()
export class RevokeGroupAccessOnStagedGroupMembersLeftListener {
  constructor(private readonly revoke: RevokeScimGroupAccessUseCase) {}

  @OnDomainEvent(StagedGroupMembersLeftEvent)
  async onMembersLeft(event: StagedGroupMembersLeftEvent): Promise<void> {
    if (!event.tenantId) return;
    const p = event.payload;
    await this.revoke.execute({
      tenantId: event.tenantId,
      connectionId: p.connectionId,
      lost: {
        kind: 'scim_group',
        stagedGroupId: p.stagedGroupId,
        name: { displayName: p.displayName, externalId: p.externalId },
        stagedUserIds: p.stagedUserIds,
        cause: p.cause,
      },
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
  }
}
