import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserSubject } from '../staging.types';

/** An IdP set active=true on an inactive user; access returns at the next sync. */
export class StagedUserReactivatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
}> {
  static override readonly eventName = 'staging.user.reactivated';
  static override readonly version = 1;
}
