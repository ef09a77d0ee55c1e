import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { SessionsTerminatedEvent } from '../public/events/sessions-terminated.event';
import { SessionsError, SessionsErrorCode } from '../public/sessions.errors';
import { SessionRepository } from '../infrastructure/session.repository';
import { isUuid } from '../../../shared/domain/uuid';
import { TenancyFacade } from '../../tenancy/public';

/** Logout. Ending an already ended session is a no-op; an unknown id is 404. */
@Injectable()
export class LogOutSessionUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly sessions: SessionRepository,
    private readonly events: EventBus,
    private readonly tenancy: TenancyFacade,
  ) {}

  async execute(sessionId: string): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionsError(SessionsErrorCode.NOT_FOUND, 'session not found');
    await this.tx.run(async () => {
      const s = await this.sessions.findById(sessionId);
      if (!s) throw new SessionsError(SessionsErrorCode.NOT_FOUND, 'session not found');
      if (await this.sessions.end(sessionId, 'logout')) {
        // The member's email is the trail's subject (a reviewer finds the logout by email).
        const email = (await this.tenancy.getMemberAccess(s.tenantId, s.accountId))?.email;
        await this.events.publish(
          new SessionsTerminatedEvent(
            {
              accountId: s.accountId,
              ...(email ? { email } : {}),
              sessionIds: [s.id],
              count: 1,
              reason: 'logout',
              membershipRevokedReason: null,
            },
            { tenantId: s.tenantId },
          ),
        );
      }
    });
  }
}
