import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedGroupPayload } from './staged-event.types';

/** An IdP created a group. */
export class StagedGroupCreatedEvent extends DomainEvent<StagedGroupPayload> {
  static override readonly eventName = 'staging.group.created';
  static override readonly version = 1;
}
