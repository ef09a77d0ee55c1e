import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserPayload } from './staged-event.types';

/** An IdP set active=true on an inactive user; access returns at the next sync. */
export class StagedUserReactivatedEvent extends DomainEvent<StagedUserPayload> {
  static override readonly eventName = 'staging.user.reactivated';
  static override readonly version = 1;
}
