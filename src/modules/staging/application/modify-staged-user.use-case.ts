import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { diffForAudit } from '../../audit/public';
import { StagedUserRepository } from '../infrastructure/staged-user.repository';
import { StagedUserDeactivatedEvent } from '../public/events/staged-user-deactivated.event';
import { StagedUserReactivatedEvent } from '../public/events/staged-user-reactivated.event';
import { StagedUserUpdatedEvent } from '../public/events/staged-user-updated.event';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import type { StagedUserChange, StagedUserRecord, StagingScope } from '../public/staging.types';
import { eventMeta, lockForWrite, referencesIgnoredEvent, subjectOf } from './staging-common';

const USER_NAME_UNIQUE = 'scim_user__connection_id_user_name__uq';

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && name === constraint;
}

@Injectable()
export class ModifyStagedUserUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: StagedUserRepository,
    private readonly events: EventBus,
  ) {}

  async execute(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedUserRecord) => StagedUserChange | Promise<StagedUserChange>,
    expectedVersion?: number,
  ): Promise<StagedUserRecord> {
    try {
      return await this.tx.run(async () => {
        const locked = await lockForWrite(this.users, 'user', scope, id, expectedVersion);
        const { input, changedAttributes } = await mutate(locked);
        const ignored = referencesIgnoredEvent(scope, 'User', id, 'manager', input.ignoredManagerIds ?? []);
        const columnsChanged =
          input.userName !== locked.userName ||
          input.externalId !== locked.externalId ||
          input.active !== locked.active;
        if (changedAttributes.length === 0 && !columnsChanged) {
          // Nothing changed (Entra re-sends values it already sent): no write, no event, same ETag.
          if (ignored) await this.events.publish(ignored);
          return (await this.users.find(scope, id))!;
        }
        const payload = {
          connectionId: scope.connectionId,
          stagedUserId: id,
          externalId: input.externalId,
          subject: subjectOf(input),
        };
        // Old and new values from the row locked in this transaction (the IdP's previous write).
        const { changes, omitted } = diffForAudit(locked.resource, input.resource);
        const events: DomainEvent<object>[] = [
          new StagedUserUpdatedEvent(
            { ...payload, changedAttributes, changes, ...(omitted > 0 ? { changesOmitted: omitted } : {}) },
            eventMeta(scope),
          ),
        ];
        if (locked.active && !input.active) events.push(new StagedUserDeactivatedEvent(payload, eventMeta(scope)));
        if (!locked.active && input.active) events.push(new StagedUserReactivatedEvent(payload, eventMeta(scope)));
        if (ignored) events.push(ignored);
        // The row and its events in one statement (one round trip fewer in every PATCH and PUT).
        return this.users.update(scope, id, input, this.events.statement(events));
      });
    } catch (err) {
      if (isUniqueViolation(err, USER_NAME_UNIQUE))
        throw new StagingError(StagingErrorCode.USERNAME_TAKEN, 'userName is already taken in this connection');
      throw err;
    }
  }
}
