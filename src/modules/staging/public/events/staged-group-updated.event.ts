import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedChangesPayload, StagedGroupPayload } from './staged-event.types';

interface StagedGroupUpdatedPayload extends StagedGroupPayload, StagedChangesPayload {
  /** The group's displayName after the change (absent in events written before it was added). */
  displayName?: string;
}

/** An IdP changed a group's attributes (not its members). */
export class StagedGroupUpdatedEvent extends DomainEvent<StagedGroupUpdatedPayload> {
  static override readonly eventName = 'staging.group.updated';
  static override readonly version = 1;
}
