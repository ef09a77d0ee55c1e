import { DomainEvent } from '../../../../shared/domain/domain-event';

/** An IdP deleted a user (hard delete). The staged row is kept, marked deleted, for Sync and audit. */
export class StagedUserDeletedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
}> {
  static override readonly eventName = 'staging.user.deleted';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
