import { Injectable } from '@nestjs/common';
import { StagingFacade, type SyncOutcomeRecord, type SyncStagedUser } from '../../staging/public';
import { TenancyFacade, type ScimMemberDesiredState, type ScimMemberOutcome } from '../../tenancy/public';
import { decideStagedUser } from '../domain/sync-decision';
import { addCounts, ZERO_COUNTS } from '../domain/sync-run';
import type { SyncCounts, SyncMode, SyncSkipReason } from '../public/sync.types';
import type { SyncContext } from './load-sync-context.use-case';

/** Where one staged user ended up in a batch. `ignored`: a deprovision-only run had nothing to do for it. */
export interface UserOutcome {
  readonly user: SyncStagedUser;
  readonly kind: 'provisioned' | 'updated' | 'deprovisioned' | 'unchanged' | 'skipped' | 'ignored';
  readonly reason?: SyncSkipReason;
  readonly accountId?: string | null;
  readonly reactivated?: boolean;
  readonly changes?: readonly string[];
  readonly error?: string;
  readonly desired?: ScimMemberDesiredState;
}

export interface BatchResult {
  /** The final outcome per staged user, in page order. */
  readonly outcomes: UserOutcome[];
  /** Every action taken, over all passes (a user provisioned then deprovisioned by a recheck counts twice). */
  readonly counts: SyncCounts;
}

/** After applying, users given access are re-read; a changed one is decided and applied again, this many times at most. */
const MAX_PASSES = 3;

function toOutcome(
  user: SyncStagedUser,
  desired: ScimMemberDesiredState,
  o: ScimMemberOutcome,
  mode: SyncMode,
): UserOutcome {
  switch (o.result) {
    case 'provisioned':
      return {
        user,
        desired,
        kind: 'provisioned',
        accountId: o.accountId,
        reactivated: o.reactivated === true,
        changes: o.changes,
      };
    case 'updated':
      return { user, desired, kind: 'updated', accountId: o.accountId, changes: o.changes };
    case 'deprovisioned':
      return {
        user,
        desired,
        kind: 'deprovisioned',
        accountId: o.accountId,
        reason: desired.state === 'absent' ? desired.reason : undefined,
      };
    case 'unchanged':
      if (desired.state === 'member') return { user, desired, kind: 'unchanged', accountId: o.accountId };
      return mode === 'deprovision'
        ? { user, desired, kind: 'ignored' }
        : { user, desired, kind: 'skipped', reason: desired.reason };
    case 'skipped':
      return { user, desired, kind: 'skipped', reason: o.reason ?? 'already_member', accountId: o.accountId };
    case 'failed':
      return { user, desired, kind: 'skipped', reason: 'error', error: o.error ?? 'failed' };
  }
}

const COUNTED: Partial<Record<UserOutcome['kind'], keyof SyncCounts>> = {
  provisioned: 'provisioned',
  updated: 'updated',
  deprovisioned: 'deprovisioned',
  unchanged: 'unchanged',
  skipped: 'skipped',
};

const sameMembers = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
};

/**
 * Decides and applies one page of staged users: eligibility from the staged row (Sync's rules), then
 * ONE Tenancy command for the page. With `apply: false` it asks Tenancy for the plan instead and
 * changes nothing (the preview).
 *
 * Race guard: a user read as active may be deactivated in the IdP — or removed from a mapped group —
 * before the page commits; the event-driven revocation then finds nothing to take back yet, and the
 * page would grant what the IdP already removed. So users the page provisioned or gave groups are
 * re-read after the commit and, if their row or their groups changed, decided and applied again at once.
 */
@Injectable()
export class ProcessSyncBatchUseCase {
  constructor(
    private readonly tenancy: TenancyFacade,
    private readonly staging: StagingFacade,
  ) {}

  async process(
    ctx: SyncContext,
    users: readonly SyncStagedUser[],
    opts: { runId: string | null; mode: SyncMode; apply: boolean },
  ): Promise<BatchResult> {
    const final = new Map<string, UserOutcome>(users.map((u) => [u.id, { user: u, kind: 'ignored' }]));
    let counts: SyncCounts = { ...ZERO_COUNTS };
    let pending: readonly SyncStagedUser[] = users;
    for (let pass = 0; pass < MAX_PASSES && pending.length > 0; pass++) {
      const byId = new Map(pending.map((u) => [u.id, u]));
      const desired: ScimMemberDesiredState[] = [];
      for (const u of pending) {
        const d = decideStagedUser(u, ctx.ssoDomains, ctx.mapper);
        if ('skip' in d)
          final.set(
            u.id,
            opts.mode === 'deprovision' ? { user: u, kind: 'ignored' } : { user: u, kind: 'skipped', reason: d.skip },
          );
        else if (opts.mode === 'deprovision' && d.desired.state === 'member')
          final.set(u.id, { user: u, kind: 'ignored' });
        else desired.push(d.desired);
      }
      const wanted = new Map(desired.map((d) => [d.stagedUserId, d]));
      const outcomes =
        desired.length === 0
          ? []
          : opts.apply
            ? await this.tenancy.applyScimMembers({ ...ctx.scope, runId: opts.runId }, desired)
            : await this.tenancy.planScimMembers(ctx.scope, desired);
      for (const o of outcomes)
        final.set(o.stagedUserId, toOutcome(byId.get(o.stagedUserId)!, wanted.get(o.stagedUserId)!, o, opts.mode));
      for (const u of pending) {
        const key = COUNTED[final.get(u.id)!.kind];
        if (key) counts = addCounts(counts, { [key]: 1 });
      }
      if (!opts.apply) break;
      // What this pass granted was decided from rows read before it: re-read them after the commit.
      const granted = outcomes
        .filter((o) => o.result === 'provisioned' || (o.result === 'updated' && o.changes?.includes('groups')))
        .map((o) => o.stagedUserId);
      if (granted.length === 0) break;
      const fresh = (await this.staging.listUsersForSync(ctx.scope, { kind: 'ids', ids: granted })).items;
      pending = fresh.filter((f) => {
        const read = byId.get(f.id)!;
        return f.version !== read.version || !sameMembers(f.groupIds, read.groupIds);
      });
    }
    return { outcomes: users.map((u) => final.get(u.id)!), counts };
  }
}

/**
 * What to write on the staged row: `synced_at` when the tenant now reflects it (written again only
 * when something changed, or the first time), and the reason it is not a member. Null when the row
 * already says so — a re-run writes nothing.
 */
export function stagedRecord(o: UserOutcome): SyncOutcomeRecord | null {
  const u = o.user;
  let synced = false;
  let reason: string | null = null;
  switch (o.kind) {
    case 'provisioned':
    case 'updated':
      synced = true;
      break;
    case 'unchanged':
      synced = u.syncedAt === null;
      break;
    case 'deprovisioned':
      synced = true;
      reason = o.reason ?? null;
      break;
    case 'skipped':
      reason = o.reason ?? null;
      break;
    case 'ignored':
      if (o.desired?.state !== 'absent') return null;
      reason = o.desired.reason;
      break;
  }
  if (!synced && reason === u.syncSkipReason) return null;
  return { stagedUserId: u.id, synced, skipReason: reason };
}
