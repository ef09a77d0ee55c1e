import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserPayload } from './staged-event.types';

/** An IdP deleted a user (hard delete). The staged row is kept, marked deleted, for Sync and audit. */
export class StagedUserDeletedEvent extends DomainEvent<StagedUserPayload> {
  static override readonly eventName = 'staging.user.deleted';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
