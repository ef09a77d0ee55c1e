import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserSubject } from '../staging.types';

/** An IdP created a user in the staging tables. */
export class StagedUserCreatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  active: boolean;
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
}> {
  static override readonly eventName = 'staging.user.created';
  static override readonly version = 1;
}
