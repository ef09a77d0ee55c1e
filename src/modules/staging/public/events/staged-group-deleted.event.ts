import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedGroupPayload } from './staged-event.types';

/** An IdP deleted a group; its memberships are gone with it. */
export class StagedGroupDeletedEvent extends DomainEvent<StagedGroupPayload> {
  static override readonly eventName = 'staging.group.deleted';
  static override readonly version = 1;
}
