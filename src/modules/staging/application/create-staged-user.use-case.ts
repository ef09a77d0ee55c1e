import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventBus } from '../../../shared/events/event-bus';
import { StagedUserRepository } from '../infrastructure/staged-user.repository';
import { StagedUserCreatedEvent } from '../public/events/staged-user-created.event';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import type { StagedUserRecord, StageUserInput, StagingScope } from '../public/staging.types';
import { eventMeta, referencesIgnoredEvent, subjectOf } from './staging-common';

@Injectable()
export class CreateStagedUserUseCase {
  constructor(
    private readonly users: StagedUserRepository,
    private readonly events: EventBus,
  ) {}

  /** Row and outbox rows in one statement (README, "Invariants"): no transaction of its own. */
  async execute(scope: StagingScope, input: StageUserInput): Promise<StagedUserRecord> {
    const id = randomUUID();
    const created = new StagedUserCreatedEvent(
      {
        connectionId: scope.connectionId,
        stagedUserId: id,
        externalId: input.externalId,
        active: input.active,
        subject: subjectOf(input),
      },
      eventMeta(scope),
    );
    const ignored = referencesIgnoredEvent(scope, 'User', id, 'manager', input.ignoredManagerIds ?? []);
    const user = await this.users.insert({
      scope,
      id,
      input,
      outbox: this.events.statement(ignored ? [created, ignored] : [created]),
    });
    if (!user) {
      throw new StagingError(
        StagingErrorCode.USERNAME_TAKEN,
        `userName "${input.userName.slice(0, 100)}" is already taken in this connection`,
      );
    }
    return user;
  }
}
