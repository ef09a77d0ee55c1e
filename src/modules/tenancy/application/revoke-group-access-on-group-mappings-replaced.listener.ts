import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { GroupMappingsReplacedEvent } from '../public/events/group-mappings-replaced.event';
import { RevokeScimGroupAccessUseCase } from './revoke-scim-group-access.use-case';

/** An admin removed or changed mapping rules: what the removed rules gave is taken back at once. */
@Injectable()
export class RevokeGroupAccessOnGroupMappingsReplacedListener {
  constructor(private readonly revoke: RevokeScimGroupAccessUseCase) {}

  @OnDomainEvent(GroupMappingsReplacedEvent)
  async onMappingsReplaced(event: GroupMappingsReplacedEvent): Promise<void> {
    const removed = event.payload.removed ?? [];
    if (!event.tenantId || removed.length === 0) return;
    await this.revoke.execute({
      tenantId: event.tenantId,
      connectionId: event.payload.connectionId,
      lost: { kind: 'mapping_rules', rules: removed },
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
  }
}
