import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { TenancyFacade } from '../../tenancy/public';
import { expiryOf, generateSessionToken } from '../domain/session-token';
import { SessionCreatedEvent } from '../public/events/session-created.event';
import { SessionsError, SessionsErrorCode } from '../public/sessions.errors';
import { SessionRepository } from '../infrastructure/session.repository';

/** Created by the host product after its own SSO login; only an account with an active membership gets one (else 403). */
@Injectable()
export class CreateSessionUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly sessions: SessionRepository,
    private readonly tenancy: TenancyFacade,
    private readonly events: EventBus,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  async execute(tenantId: string, email: string): Promise<{ id: string; token: string; expiresAt: string }> {
    const membership = await this.tenancy.findActiveMembership(tenantId, email);
    if (!membership)
      throw new SessionsError(SessionsErrorCode.NOT_A_MEMBER, 'the account has no active membership in this tenant');
    const { secret, hash } = generateSessionToken();
    return this.tx.run(async () => {
      const row = await this.sessions.insert({
        id: randomUUID(),
        tenantId,
        accountId: membership.accountId,
        tokenHash: hash,
        idleSeconds: this.env.SESSION_IDLE_TIMEOUT_SECONDS,
        absoluteSeconds: this.env.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      });
      const expiresAt = expiryOf(row).toISOString();
      await this.events.publish(
        new SessionCreatedEvent(
          { sessionId: row.id, accountId: row.accountId, email: email.trim().toLowerCase(), expiresAt },
          { tenantId },
        ),
      );
      return { id: row.id, token: secret, expiresAt };
    });
  }
}
