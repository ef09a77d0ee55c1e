import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { StagedGroupRepository } from '../infrastructure/staged-group.repository';
import { StagedGroupDeletedEvent } from '../public/events/staged-group-deleted.event';
import type { StagingScope } from '../public/staging.types';
import { membersLeftEvents } from './staged-group-common';
import { eventMeta, lockForWrite } from './staging-common';

@Injectable()
export class DeleteStagedGroupUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly groups: StagedGroupRepository,
    private readonly events: EventBus,
  ) {}

  execute(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.tx.run(async () => {
      const locked = await lockForWrite(this.groups, 'group', scope, id, expectedVersion);
      const members = await this.groups.markDeleted(scope, id);
      await this.events.publish(
        new StagedGroupDeletedEvent(
          { connectionId: scope.connectionId, stagedGroupId: id, externalId: locked.externalId },
          eventMeta(scope),
        ),
        ...membersLeftEvents(scope, locked, members, 'group_deleted'),
      );
    });
  }
}
