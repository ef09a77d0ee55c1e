import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { AuditChange } from '../../../audit/public';
import type { StagedUserSubject } from '../staging.types';

/** An IdP changed a staged user (PUT or PATCH); `changedAttributes` names the top-level attributes. */
export class StagedUserUpdatedEvent extends DomainEvent<{
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  changedAttributes: string[];
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
  /** Old and new values (audit-changes.ts: secrets masked, bounded); absent in older events. */
  changes?: AuditChange[];
  /** Changed attributes beyond the cap, not listed in `changes`. */
  changesOmitted?: number;
}> {
  static override readonly eventName = 'staging.user.updated';
  static override readonly version = 1;
}
