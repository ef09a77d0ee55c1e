import type { MemberRow } from '../infrastructure/member.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { isUuid } from '../../../shared/domain/uuid';

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

export const toMemberView = (r: MemberRow): MemberView => ({
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

export const memberNotFound = () => new TenancyError(TenancyErrorCode.MEMBER_NOT_FOUND, 'member not found');

export function encodeMemberCursor(r: MemberRow): string {
  return Buffer.from(JSON.stringify([r.email, r.membership_id])).toString('base64url');
}

export function decodeMemberCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new TenancyError(TenancyErrorCode.INVALID_CURSOR, 'invalid cursor');
}
