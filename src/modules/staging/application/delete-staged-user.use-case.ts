import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { StagedUserRepository } from '../infrastructure/staged-user.repository';
import { StagedUserDeletedEvent } from '../public/events/staged-user-deleted.event';
import type { StagingScope } from '../public/staging.types';
import { eventMeta, lockForWrite, subjectOf } from './staging-common';

@Injectable()
export class DeleteStagedUserUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: StagedUserRepository,
    private readonly events: EventBus,
  ) {}

  /** Marks the row deleted (kept for Sync and audit); its userName becomes free again. */
  execute(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.tx.run(async () => {
      const locked = await lockForWrite(this.users, 'user', scope, id, expectedVersion);
      await this.users.markDeleted(scope, id);
      await this.events.publish(
        new StagedUserDeletedEvent(
          {
            connectionId: scope.connectionId,
            stagedUserId: id,
            externalId: locked.externalId,
            subject: subjectOf(locked),
          },
          eventMeta(scope),
        ),
      );
    });
  }
}
