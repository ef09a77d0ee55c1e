import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserSubject } from '../staging.types';

/** An IdP deleted a user (hard delete). The staged row is kept, marked deleted, for Sync and audit. */
export class StagedUserDeletedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
}> {
  static override readonly eventName = 'staging.user.deleted';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
