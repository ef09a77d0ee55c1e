import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { TenancyFacade } from '../../tenancy/public';
import { expiryOf, generateSessionToken, hashSessionToken, sameHash } from '../domain/session-token';
import { SessionsTerminatedEvent } from '../public/events/sessions-terminated.event';
import { SessionsError, SessionsErrorCode } from '../public/sessions.errors';
import { SessionRepository, type SessionRow } from '../infrastructure/session.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 7662 §2.2 shapes: an inactive token says nothing else. */
export type IntrospectionResult =
  | {
      active: true;
      sessionId: string;
      accountId: string;
      tenantId: string;
      exp: number;
      /** The member's access now (RFC 7662 §2.2 allows extensions): computed from its groups at this call. */
      permissions: readonly string[];
      siteIds: readonly string[];
    }
  | { active: false };

export interface SessionView {
  id: string;
  active: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  endedAt: string | null;
  endReason: string | null;
}

function isLive(s: SessionRow, now = new Date()): boolean {
  return s.endedAt === null && expiryOf(s) > now;
}

export const toSessionView = (s: SessionRow): SessionView => ({
  id: s.id,
  active: isLive(s),
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  expiresAt: expiryOf(s).toISOString(),
  endedAt: s.endedAt ? s.endedAt.toISOString() : null,
  endReason: s.endReason,
});

/** The host product's session API: create after its own SSO login, introspect, log out. */
@Injectable()
export class SessionsUseCases {
  constructor(
    private readonly tx: TransactionHost,
    private readonly sessions: SessionRepository,
    private readonly tenancy: TenancyFacade,
    private readonly events: EventBus,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  /** Only an account with an active membership in the tenant gets a session (else 403). */
  async create(tenantId: string, email: string): Promise<{ id: string; token: string; expiresAt: string }> {
    const membership = await this.tenancy.findActiveMembership(tenantId, email);
    if (!membership)
      throw new SessionsError(SessionsErrorCode.NOT_A_MEMBER, 'the account has no active membership in this tenant');
    const { secret, hash } = generateSessionToken();
    const row = await this.sessions.insert({
      id: randomUUID(),
      tenantId,
      accountId: membership.accountId,
      tokenHash: hash,
      idleSeconds: this.env.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteSeconds: this.env.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    });
    return { id: row.id, token: secret, expiresAt: expiryOf(row).toISOString() };
  }

  /**
   * RFC 7662-shaped introspection. Beside the session's own state, the membership is checked as
   * well: the revocation event ends sessions within milliseconds, and this closes even that window.
   * An active answer carries the member's permissions and site ids as they are at this moment.
   */
  async introspect(token: string): Promise<IntrospectionResult> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 512) return { active: false };
    const hash = hashSessionToken(token);
    const s = await this.sessions.findByHash(hash);
    if (!s || !sameHash(s.tokenHash, hash) || !isLive(s)) return { active: false };
    const access = await this.tenancy.getMemberAccess(s.tenantId, s.accountId);
    if (!access?.active) return { active: false };
    void this.sessions.touch(s.id, this.env.SESSION_IDLE_TIMEOUT_SECONDS).catch(() => undefined);
    return {
      active: true,
      sessionId: s.id,
      accountId: s.accountId,
      tenantId: s.tenantId,
      exp: Math.floor(expiryOf(s).getTime() / 1000),
      permissions: access.permissions,
      siteIds: access.siteIds,
    };
  }

  /** Logout. Ending an already ended session is a no-op; an unknown id is 404. */
  async logout(sessionId: string): Promise<void> {
    if (!UUID.test(sessionId)) throw new SessionsError(SessionsErrorCode.NOT_FOUND, 'session not found');
    await this.tx.run(async () => {
      const s = await this.sessions.findById(sessionId);
      if (!s) throw new SessionsError(SessionsErrorCode.NOT_FOUND, 'session not found');
      if (await this.sessions.end(sessionId, 'logout')) {
        await this.events.publish(
          new SessionsTerminatedEvent(
            { accountId: s.accountId, sessionIds: [s.id], count: 1, reason: 'logout', membershipRevokedReason: null },
            { tenantId: s.tenantId },
          ),
        );
      }
    });
  }

  async list(tenantId: string, accountId: string): Promise<SessionView[]> {
    if (!UUID.test(tenantId) || !UUID.test(accountId)) return [];
    return (await this.sessions.listForAccount(tenantId, accountId, 500)).map(toSessionView);
  }
}
