import type { ScimMemberDesiredState, ScimMemberOutcome, ScimMemberSkipReason } from '../public/scim-members.types';

/** A membership of the tenant as the planner sees it (loaded for the batch's staged users and emails). */
export interface CurrentMembership {
  readonly id: string;
  /** Optimistic-concurrency token (the row's xmin): writes are refused if the row changed since. */
  readonly version: string;
  readonly status: 'active' | 'revoked';
  readonly source: 'scim' | 'manual';
  readonly connectionId: string | null;
  readonly stagedUserId: string | null;
  readonly revokedReason: string | null;
  readonly accountId: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly scimGroupIds: readonly string[];
  /** Group rows Sync does not manage (source manual): never removed, never re-added. */
  readonly otherGroupIds: readonly string[];
}

export interface PlanInput {
  readonly connectionId: string;
  readonly memberships: readonly CurrentMembership[];
  /** Existing accounts by (lower-cased) email. */
  readonly accountsByEmail: ReadonlyMap<string, string>;
  /** Accounts with more than one membership (any tenant): renaming their email would leak across tenants. */
  readonly sharedAccountIds: ReadonlySet<string>;
}

type Member = Extract<ScimMemberDesiredState, { state: 'member' }>;

export type PlanItem =
  /** A new membership; `accountId` null → a new account for `desired.email`. */
  | { readonly kind: 'create'; readonly desired: Member; readonly accountId: string | null }
  /**
   * An existing membership brought to the desired state: attributes, groups, and — when
   * `reactivate` — status active and the link to this connection and staged user.
   */
  | {
      readonly kind: 'modify';
      readonly desired: Member;
      readonly current: CurrentMembership;
      readonly reactivate: boolean;
      /** The membership moves to another account: an existing one, or (null) a new one for the email. */
      readonly switchAccount: { readonly accountId: string | null } | null;
      /** The membership's account keeps its id and takes the new email (it has no other membership). */
      readonly renameAccount: boolean;
      readonly addGroupIds: readonly string[];
      readonly removeGroupIds: readonly string[];
      readonly changes: readonly string[];
    }
  | { readonly kind: 'revoke'; readonly stagedUserId: string; readonly current: CurrentMembership }
  | {
      readonly kind: 'skip';
      readonly stagedUserId: string;
      readonly reason: ScimMemberSkipReason;
      readonly current?: CurrentMembership;
    }
  | { readonly kind: 'unchanged'; readonly stagedUserId: string; readonly current?: CurrentMembership };

const same = (a: string | null, b: string | null) => (a ?? null) === (b ?? null);

/**
 * Decides, for a batch of desired states, what Tenancy must change. Pure: the same input gives the
 * same plan, which is what makes a re-run a no-op. Rules:
 * - a staged user is linked to at most one membership (source scim, this connection, this staged user);
 * - `absent` revokes the linked membership if it is active, else nothing;
 * - a member's email already used by another membership of the tenant → `already_member`: manual
 *   members and other SCIM users' members are never taken over;
 * - a revoked SCIM membership is restored (the user was reactivated, or re-created in the IdP with
 *   the same email) — unless an admin revoked it (`revoked_by_admin`);
 * - two staged users of one batch wanting the same email: the first wins, the second is
 *   `already_member` (exactly what a re-run would say).
 */
export function planScimMembers(desired: readonly ScimMemberDesiredState[], input: PlanInput): PlanItem[] {
  const linked = new Map<string, CurrentMembership>();
  const byEmail = new Map<string, CurrentMembership>();
  for (const m of input.memberships) {
    byEmail.set(m.email, m);
    if (m.source === 'scim' && m.connectionId === input.connectionId && m.stagedUserId) {
      const prior = linked.get(m.stagedUserId);
      if (!prior || (prior.status !== 'active' && m.status === 'active')) linked.set(m.stagedUserId, m);
    }
  }
  const claimedEmails = new Set<string>();
  const plan: PlanItem[] = [];

  for (const d of desired) {
    const mine = linked.get(d.stagedUserId);
    if (d.state === 'absent') {
      plan.push(
        mine?.status === 'active'
          ? { kind: 'revoke', stagedUserId: d.stagedUserId, current: mine }
          : { kind: 'unchanged', stagedUserId: d.stagedUserId, current: mine },
      );
      continue;
    }
    const holder = byEmail.get(d.email);
    if (claimedEmails.has(d.email)) {
      plan.push({ kind: 'skip', stagedUserId: d.stagedUserId, reason: 'already_member', current: mine });
      continue;
    }
    if (mine) {
      if (holder && holder.id !== mine.id) {
        plan.push({ kind: 'skip', stagedUserId: d.stagedUserId, reason: 'already_member', current: mine });
        continue;
      }
      if (mine.status === 'revoked' && mine.revokedReason === 'admin') {
        plan.push({ kind: 'skip', stagedUserId: d.stagedUserId, reason: 'revoked_by_admin', current: mine });
        continue;
      }
      claimedEmails.add(d.email);
      const item = modify(d, mine, mine.status === 'revoked', input);
      plan.push(
        item.changes.length === 0 && !item.reactivate
          ? { kind: 'unchanged', stagedUserId: d.stagedUserId, current: mine }
          : item,
      );
      continue;
    }
    if (holder) {
      if (holder.source === 'manual' || holder.status === 'active') {
        plan.push({ kind: 'skip', stagedUserId: d.stagedUserId, reason: 'already_member' });
        continue;
      }
      if (holder.revokedReason === 'admin') {
        plan.push({ kind: 'skip', stagedUserId: d.stagedUserId, reason: 'revoked_by_admin' });
        continue;
      }
      claimedEmails.add(d.email);
      plan.push(modify(d, holder, true, input));
      continue;
    }
    claimedEmails.add(d.email);
    plan.push({ kind: 'create', desired: d, accountId: input.accountsByEmail.get(d.email) ?? null });
  }
  return plan;
}

function modify(
  d: Member,
  m: CurrentMembership,
  reactivate: boolean,
  input: PlanInput,
): Extract<PlanItem, { kind: 'modify' }> {
  const changes: string[] = [];
  let switchAccount: { accountId: string | null } | null = null;
  let renameAccount = false;
  if (m.email !== d.email) {
    changes.push('email');
    const existing = input.accountsByEmail.get(d.email);
    if (existing) switchAccount = { accountId: existing };
    else if (input.sharedAccountIds.has(m.accountId)) switchAccount = { accountId: null };
    else renameAccount = true;
  }
  if (!same(m.displayName, d.displayName)) changes.push('displayName');
  if (!same(m.givenName, d.givenName)) changes.push('givenName');
  if (!same(m.familyName, d.familyName)) changes.push('familyName');
  const held = new Set([...m.scimGroupIds, ...m.otherGroupIds]);
  const wanted = new Set(d.internalGroupIds);
  const addGroupIds = d.internalGroupIds.filter((g) => !held.has(g));
  const removeGroupIds = m.scimGroupIds.filter((g) => !wanted.has(g));
  if (addGroupIds.length > 0 || removeGroupIds.length > 0) changes.push('groups');
  return {
    kind: 'modify',
    desired: d,
    current: m,
    reactivate,
    switchAccount,
    renameAccount,
    addGroupIds,
    removeGroupIds,
    changes,
  };
}

/** The outcome a plan item stands for (ids of rows a plan would create are null). */
export function outcomeOf(item: PlanItem, created?: { accountId: string; membershipId: string }): ScimMemberOutcome {
  switch (item.kind) {
    case 'create':
      return {
        stagedUserId: item.desired.stagedUserId,
        result: 'provisioned',
        accountId: created?.accountId ?? item.accountId,
        membershipId: created?.membershipId ?? null,
        reactivated: false,
      };
    case 'modify':
      return {
        stagedUserId: item.desired.stagedUserId,
        result: item.reactivate ? 'provisioned' : 'updated',
        accountId: created?.accountId ?? item.switchAccount?.accountId ?? item.current.accountId,
        membershipId: item.current.id,
        ...(item.reactivate ? { reactivated: true } : {}),
        changes: item.changes,
      };
    case 'revoke':
      return {
        stagedUserId: item.stagedUserId,
        result: 'deprovisioned',
        accountId: item.current.accountId,
        membershipId: item.current.id,
      };
    case 'skip':
      return {
        stagedUserId: item.stagedUserId,
        result: 'skipped',
        reason: item.reason,
        accountId: item.current?.accountId ?? null,
        membershipId: item.current?.id ?? null,
      };
    case 'unchanged':
      return {
        stagedUserId: item.stagedUserId,
        result: 'unchanged',
        accountId: item.current?.accountId ?? null,
        membershipId: item.current?.id ?? null,
      };
  }
}
