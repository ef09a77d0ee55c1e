import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { isUuid } from '../domain/scim-token';
import { MemberAddedEvent } from '../public/events/member-added.event';
import { MembershipRevokedEvent } from '../public/events/membership-revoked.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { MemberRepository, type MemberRow } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { tenantNotFound } from './tenant-common';

/**
 * A member as the admin API shows it. `groups` and `sites` are `{id, name}` objects (ids are stable,
 * names are for people); `permissions` is the sorted, unique union over the member's groups.
 */
export interface MemberView {
  accountId: string;
  email: string;
  status: 'active' | 'revoked';
  source: 'scim' | 'manual';
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  connectionId: string | null;
  stagedUserId: string | null;
  groups: Array<{ id: string; name: string }>;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

const toView = (r: MemberRow): MemberView => ({
  accountId: r.account_id,
  email: r.email,
  status: r.status,
  source: r.source,
  displayName: r.display_name,
  givenName: r.given_name,
  familyName: r.family_name,
  connectionId: r.connection_id,
  stagedUserId: r.staged_user_id,
  groups: r.groups,
  permissions: r.permissions,
  sites: r.sites,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
  revokedReason: r.revoked_reason,
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const memberNotFound = () => new TenancyError(TenancyErrorCode.MEMBER_NOT_FOUND, 'member not found');

function encodeCursor(r: MemberRow): string {
  return Buffer.from(JSON.stringify([r.email, r.membership_id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new TenancyError(TenancyErrorCode.INVALID_CURSOR, 'invalid cursor');
}

/** Admin use cases of a tenant's members: list, add a manual member, revoke. */
@Injectable()
export class MemberUseCases {
  constructor(
    private readonly tx: TransactionHost,
    private readonly members: MemberRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  private async tenant(tenantId: string): Promise<void> {
    if (!isUuid(tenantId) || !(await this.tenants.findById(tenantId))) throw tenantNotFound();
  }

  async list(
    tenantId: string,
    q: { cursor?: string; limit: number; status?: 'active' | 'revoked' },
  ): Promise<{ items: MemberView[]; nextCursor: string | null }> {
    await this.tenant(tenantId);
    const rows = await this.members.list(tenantId, { after: decodeCursor(q.cursor), limit: q.limit, status: q.status });
    return {
      items: rows.map(toView),
      nextCursor: rows.length === q.limit ? encodeCursor(rows[rows.length - 1]) : null,
    };
  }

  async get(tenantId: string, accountId: string): Promise<MemberView> {
    await this.tenant(tenantId);
    const row = isUuid(accountId) ? await this.members.findByAccount(tenantId, accountId) : null;
    if (!row) throw memberNotFound();
    return toView(row);
  }

  /**
   * Adds a manual member — the host product's own user, of any domain; Sync never takes it over. A
   * revoked membership of the same account is restored as manual; an active one is a 409.
   */
  async addManual(tenantId: string, rawEmail: string): Promise<{ created: boolean; member: MemberView }> {
    await this.tenant(tenantId);
    const email = rawEmail.trim().toLowerCase();
    if (email.length > 254 || !EMAIL.test(email)) {
      throw new TenancyError(TenancyErrorCode.INVALID_EMAIL, 'email is not an email address', [
        { field: 'email', problem: 'must be an email address' },
      ]);
    }
    return this.tx.run(async () => {
      const { accountId, membership } = await this.members.lockMembershipByEmail(tenantId, email);
      if (membership?.status === 'active')
        throw new TenancyError(TenancyErrorCode.MEMBER_EXISTS, 'the account is already a member of the tenant');
      let membershipId: string;
      if (membership) {
        await this.members.restoreAsManual(tenantId, membership.id);
        membershipId = membership.id;
      } else {
        membershipId = await this.members.insertManual(tenantId, accountId);
      }
      await this.events.publish(
        new MemberAddedEvent(
          { accountId, membershipId, source: 'manual', restored: membership !== null },
          { tenantId },
        ),
      );
      return { created: membership === null, member: toView((await this.members.findByAccount(tenantId, accountId))!) };
    });
  }

  /** Revokes the account's membership (reason `admin`); idempotent. Sync will not restore it. */
  async revoke(tenantId: string, accountId: string): Promise<void> {
    await this.tenant(tenantId);
    if (!isUuid(accountId)) throw memberNotFound();
    await this.tx.run(async () => {
      const revoked = await this.members.revoke(tenantId, accountId, 'admin');
      if (!revoked) {
        if (!(await this.members.findByAccount(tenantId, accountId))) throw memberNotFound();
        return;
      }
      await this.events.publish(
        new MembershipRevokedEvent(
          {
            accountId,
            membershipId: revoked.id,
            connectionId: revoked.connection_id,
            stagedUserId: revoked.staged_user_id,
            reason: 'admin',
            syncRunId: null,
          },
          { tenantId },
        ),
      );
    });
  }
}
