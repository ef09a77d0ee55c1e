import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserPayload } from './staged-event.types';

/** An IdP created a user in the staging tables. */
export class StagedUserCreatedEvent extends DomainEvent<StagedUserPayload & { active: boolean }> {
  static override readonly eventName = 'staging.user.created';
  static override readonly version = 1;
}
