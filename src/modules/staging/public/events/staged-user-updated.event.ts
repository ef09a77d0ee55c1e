import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedChangesPayload, StagedUserPayload } from './staged-event.types';

/** An IdP changed a staged user (PUT or PATCH); `changedAttributes` names the top-level attributes. */
export class StagedUserUpdatedEvent extends DomainEvent<StagedUserPayload & StagedChangesPayload> {
  static override readonly eventName = 'staging.user.updated';
  static override readonly version = 1;
}
