import type { SyncStagedGroup, SyncStagedUser } from '../../staging/public';
import { GroupMappingMatcher, type GroupMappingRule, type ScimMemberDesiredState } from '../../tenancy/public';

/**
 * Resolves staged group ids to internal group ids through a connection's mapping rules (Tenancy's
 * GroupMappingMatcher: displayName case-insensitively, or externalId).
 */
export class GroupMapper {
  private readonly byGroup = new Map<string, string[]>();
  private readonly matcher: GroupMappingMatcher;

  constructor(rules: readonly GroupMappingRule[], groups: readonly SyncStagedGroup[]) {
    this.matcher = new GroupMappingMatcher(rules);
    for (const g of groups) {
      const ids = this.matcher.match(g);
      if (ids.length > 0) this.byGroup.set(g.id, ids);
    }
  }

  /** Internal groups a group of this name maps to — for names a group had before a rename. */
  internalGroupsOfName(name: { displayName: string; externalId: string | null }): string[] {
    return this.matcher.match(name);
  }

  /** Internal groups of these staged groups: sorted, unique. */
  internalGroupsOf(stagedGroupIds: readonly string[]): string[] {
    const out = new Set<string>();
    for (const id of stagedGroupIds) for (const g of this.byGroup.get(id) ?? []) out.add(g);
    return [...out].sort();
  }
}

export type EligibilitySkip = 'no_email' | 'domain_not_allowed';

export type Decision = { readonly desired: ScimMemberDesiredState } | { readonly skip: EligibilitySkip };

const EMAIL = /^[^\s@]+@([^\s@]+)$/;

/** The domain of an email (lower-cased, trailing dot dropped); null if it is not an email. */
export function emailDomain(email: string | null): string | null {
  const m = email ? EMAIL.exec(email.trim()) : null;
  return m ? m[1].toLowerCase().replace(/\.$/, '') : null;
}

/**
 * The rules of the two-step model, from the staged row alone: deleted or inactive → no membership;
 * otherwise the user needs an email (work, else primary, else first, else an email userName — the
 * staged `email` column) whose domain is exactly one of the tenant's SSO domains (subdomains are
 * not included). Whether the email already belongs to a member is Tenancy's call.
 */
export function decideStagedUser(user: SyncStagedUser, ssoDomains: ReadonlySet<string>, groups: GroupMapper): Decision {
  if (user.deleted) return { desired: { state: 'absent', stagedUserId: user.id, reason: 'deleted' } };
  if (!user.active) return { desired: { state: 'absent', stagedUserId: user.id, reason: 'inactive' } };
  const domain = emailDomain(user.email);
  if (!domain) return { skip: 'no_email' };
  if (!ssoDomains.has(domain)) return { skip: 'domain_not_allowed' };
  return {
    desired: {
      state: 'member',
      stagedUserId: user.id,
      email: user.email!.trim().toLowerCase(),
      displayName: user.displayName,
      givenName: user.givenName,
      familyName: user.familyName,
      internalGroupIds: groups.internalGroupsOf(user.groupIds),
    },
  };
}
