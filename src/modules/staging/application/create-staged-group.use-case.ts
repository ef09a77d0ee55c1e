import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { StagedGroupRepository } from '../infrastructure/staged-group.repository';
import { StagedGroupCreatedEvent } from '../public/events/staged-group-created.event';
import type { StagedGroupRecord, StagedMember, StageGroupInput, StagingScope } from '../public/staging.types';
import { addMembers, membershipEvent } from './staged-group-common';
import { eventMeta, referencesIgnoredEvent } from './staging-common';

@Injectable()
export class CreateStagedGroupUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly groups: StagedGroupRepository,
    private readonly events: EventBus,
  ) {}

  execute(scope: StagingScope, input: StageGroupInput, members: readonly StagedMember[]): Promise<StagedGroupRecord> {
    return this.tx.run(async () => {
      const group = await this.groups.insert(scope, randomUUID(), input);
      const events: DomainEvent<object>[] = [
        new StagedGroupCreatedEvent(
          { connectionId: scope.connectionId, stagedGroupId: group.id, externalId: group.externalId },
          eventMeta(scope),
        ),
      ];
      const { added, ignored } = await addMembers(this.groups, scope, group.id, members);
      if (added.length > 0) events.push(membershipEvent(scope, group.id, added, [], false));
      const ignoredEvent = referencesIgnoredEvent(scope, 'Group', group.id, 'members', ignored);
      if (ignoredEvent) events.push(ignoredEvent);
      await this.events.publish(...events);
      return group;
    });
  }
}
