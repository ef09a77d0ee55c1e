import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserSubject } from '../staging.types';

/** An IdP set active=false (any dialect). Sessions must end and tenant access be revoked at once. */
export class StagedUserDeactivatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
}> {
  static override readonly eventName = 'staging.user.deactivated';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
