import { DomainEvent } from '../../../../shared/domain/domain-event';
import type { StagedUserPayload } from './staged-event.types';

/** An IdP set active=false (any dialect). Sessions must end and tenant access be revoked at once. */
export class StagedUserDeactivatedEvent extends DomainEvent<StagedUserPayload> {
  static override readonly eventName = 'staging.user.deactivated';
  static override readonly version = 1;
  /** Access must end at once: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
