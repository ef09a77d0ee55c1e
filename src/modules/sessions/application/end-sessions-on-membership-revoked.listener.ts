import { Injectable } from '@nestjs/common';
import { EventBus } from '../../../shared/events/event-bus';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { MembershipRevokedEvent } from '../../tenancy/public';
import { SessionsTerminatedEvent } from '../public/events/sessions-terminated.event';
import { SessionRepository } from '../infrastructure/session.repository';

const EVENT_ID_CAP = 1000;

/**
 * A revoked membership — IdP deactivation or deletion in any dialect, Sync, or an admin — ends every
 * session of that account in that tenant at once. Runs in the handler's transaction; a redelivered
 * event finds nothing live and publishes nothing.
 */
@Injectable()
export class EndSessionsOnMembershipRevokedListener {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly events: EventBus,
  ) {}

  @OnDomainEvent(MembershipRevokedEvent)
  async onMembershipRevoked(event: MembershipRevokedEvent): Promise<void> {
    if (!event.tenantId) return;
    const ended = await this.sessions.endAllForAccount(
      event.tenantId,
      event.payload.accountId,
      `membership_revoked:${event.payload.reason}`,
    );
    if (ended.length === 0) return;
    await this.events.publish(
      new SessionsTerminatedEvent(
        {
          accountId: event.payload.accountId,
          sessionIds: ended.slice(0, EVENT_ID_CAP),
          count: ended.length,
          reason: 'membership_revoked',
          membershipRevokedReason: event.payload.reason,
          ...(event.payload.email ? { email: event.payload.email } : {}),
        },
        {
          tenantId: event.tenantId,
          correlationId: event.correlationId,
          causationId: event.eventId,
          actor: event.actor,
          sourceIp: event.sourceIp,
        },
      ),
    );
  }
}
