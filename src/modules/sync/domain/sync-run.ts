import { createHash } from 'node:crypto';
import type { ScimSyncContext } from '../../tenancy/public';
import type { SyncCounts, SyncMode } from '../public/sync.types';

/** What a caller asks for; `auto` lets the policy below choose between full and incremental. */
export type RequestedSyncMode = 'auto' | SyncMode;

export const ZERO_COUNTS: Readonly<SyncCounts> = Object.freeze({
  provisioned: 0,
  updated: 0,
  deprovisioned: 0,
  skipped: 0,
  unchanged: 0,
});

export function addCounts(a: SyncCounts, b: Partial<SyncCounts>): SyncCounts {
  return {
    provisioned: a.provisioned + (b.provisioned ?? 0),
    updated: a.updated + (b.updated ?? 0),
    deprovisioned: a.deprovisioned + (b.deprovisioned ?? 0),
    skipped: a.skipped + (b.skipped ?? 0),
    unchanged: a.unchanged + (b.unchanged ?? 0),
  };
}

/** The error of a run whose process died (its advisory lock was free while its row said in_progress). */
export const STALE_RUN_ERROR = 'its process stopped before finishing (reclaimed)';

/**
 * A fingerprint of what decides a user's desired state besides its staged row: the tenant's SSO
 * domains and the connection's mapping rules. When it differs from the last completed run's, an
 * incremental run could miss users whose rows did not change → the run is full.
 */
export function contextHash(ctx: Pick<ScimSyncContext, 'ssoDomains' | 'mappings'>): string {
  const domains = [...ctx.ssoDomains].map((d) => d.toLowerCase()).sort();
  const rules = ctx.mappings
    .map(
      (m) =>
        `${m.scimGroupDisplayName?.toLowerCase() ?? ''}\u0000${m.scimGroupExternalId ?? ''}\u0000${m.internalGroupId}`,
    )
    .sort();
  return createHash('sha256')
    .update(JSON.stringify([domains, rules]))
    .digest('hex')
    .slice(0, 32);
}

export interface PreviousRuns {
  /**
   * The last completed full or incremental run: its watermark (its start, or the start of the oldest
   * writing transaction in flight then — rows changed after it were possibly not seen) and context.
   */
  readonly lastCompleted: { readonly watermark: Date; readonly contextHash: string | null } | null;
  /** The last completed full run. */
  readonly lastFull: { readonly startedAt: Date } | null;
}

export interface ModeDecision {
  readonly mode: SyncMode;
  readonly reason: string;
  /** Incremental runs: rows changed after this instant are looked at. */
  readonly since: Date | null;
}

const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * Full vs incremental. Full when asked, on the first run, when domains or mappings changed, for the
 * first run of each UTC day, and when the last full run is older than `fullEveryHours` (0 = always);
 * incremental otherwise. Entra never clears values and Okta never deletes, so the periodic full pass
 * is what catches drift an incremental run cannot see.
 */
export function chooseMode(
  requested: RequestedSyncMode,
  previous: PreviousRuns,
  hash: string,
  now: Date,
  fullEveryHours: number,
): ModeDecision {
  if (requested === 'deprovision') return { mode: 'deprovision', reason: 'deprovision-only run', since: null };
  if (requested === 'full') return { mode: 'full', reason: 'full run requested', since: null };
  const last = previous.lastCompleted;
  if (!last) return { mode: 'full', reason: 'first run of the connection', since: null };
  if (last.contextHash !== hash) return { mode: 'full', reason: 'SSO domains or group mappings changed', since: null };
  const since = last.watermark;
  if (requested === 'incremental') return { mode: 'incremental', reason: 'incremental run requested', since };
  if (fullEveryHours === 0)
    return { mode: 'full', reason: 'every run is full (SYNC_FULL_RECONCILE_HOURS=0)', since: null };
  const lastFull = previous.lastFull;
  if (!lastFull || lastFull.startedAt < startOfUtcDay(now))
    return { mode: 'full', reason: 'first run of the UTC day', since: null };
  if (now.getTime() - lastFull.startedAt.getTime() >= fullEveryHours * 3_600_000) {
    return { mode: 'full', reason: `periodic full reconciliation (every ${fullEveryHours} h)`, since: null };
  }
  return { mode: 'incremental', reason: 'changes since the last completed run', since };
}
