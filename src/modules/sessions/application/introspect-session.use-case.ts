import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TenancyFacade } from '../../tenancy/public';
import { expiryOf, hashSessionToken, sameHash } from '../domain/session-token';
import { SessionRepository } from '../infrastructure/session.repository';
import { isLive } from './session-common';

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

/**
 * RFC 7662-shaped introspection. Beside the session's own state, the membership is checked as
 * well: the revocation event ends sessions within milliseconds, and this closes even that window.
 * An active answer carries the member's permissions and site ids as they are at this moment.
 */
@Injectable()
export class IntrospectSessionUseCase {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly tenancy: TenancyFacade,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  async execute(token: string, onlyTenantId: string | null = null): Promise<IntrospectionResult> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 512) return { active: false };
    const hash = hashSessionToken(token);
    const s = await this.sessions.findByHash(hash);
    if (!s || !sameHash(s.tokenHash, hash) || !isLive(s)) return { active: false };
    if (onlyTenantId !== null && s.tenantId !== onlyTenantId) return { active: false };
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
}
