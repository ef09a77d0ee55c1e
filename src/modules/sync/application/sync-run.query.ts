import { Injectable } from '@nestjs/common';
import { TenancyFacade } from '../../tenancy/public';
import { SyncError, SyncErrorCode } from '../public/sync.errors';
import type { SyncCounts, SyncMode, SyncRunStatus, SyncSkipReason, SyncTrigger } from '../public/sync.types';
import { SyncRunRepository, type SyncRunRecord } from '../infrastructure/sync-run.repository';
import { isUuid } from '../../../shared/domain/uuid';

export interface SyncRunView {
  id: string;
  connectionId: string;
  tenantId: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  mode: SyncMode;
  modeReason: string | null;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string;
  counts: SyncCounts;
  error: string | null;
}

export interface SyncRunDetailView extends SyncRunView {
  steps: Array<{
    name: string;
    status: SyncRunStatus;
    startedAt: string;
    finishedAt: string | null;
    counts: Record<string, number>;
    detail: Record<string, unknown>;
  }>;
  skips: {
    items: Array<{ stagedUserId: string; userName: string | null; reason: SyncSkipReason; detail: string | null }>;
    nextCursor: string | null;
  };
}

export const toRunView = (r: SyncRunRecord): SyncRunView => ({
  id: r.id,
  connectionId: r.connectionId,
  tenantId: r.tenantId,
  status: r.status,
  trigger: r.trigger,
  mode: r.mode,
  modeReason: r.modeReason,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  heartbeatAt: r.heartbeatAt.toISOString(),
  counts: r.counts,
  error: r.error,
});

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function decode<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (check(v)) return v;
  } catch {
    /* fall through */
  }
  throw new SyncError(SyncErrorCode.INVALID_CURSOR, 'invalid cursor');
}

/** Read side of the sync admin API: run history, one run with its steps and paged skip reasons. */
@Injectable()
export class SyncRunQuery {
  constructor(
    private readonly runs: SyncRunRepository,
    private readonly tenancy: TenancyFacade,
  ) {}

  async list(
    connectionId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: SyncRunView[]; nextCursor: string | null }> {
    // A deleted connection's sync history stays readable.
    const c = await this.tenancy.findConnection(connectionId);
    if (!c) throw new SyncError(SyncErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
    const before = cursor
      ? decode(
          cursor,
          (v): v is [string, string] =>
            Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1]),
        )
      : undefined;
    const rows = await this.runs.list(c.id, limit, before);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toRunView),
      nextCursor: rows.length === limit && last ? encode([last.cursorAt, last.id]) : null,
    };
  }

  /** The tenant of a run (null when there is none), for scoping a key to its tenant. */
  async tenantOf(runId: string): Promise<string | null> {
    return isUuid(runId) ? ((await this.runs.find(runId.toLowerCase()))?.tenantId ?? null) : null;
  }

  async get(runId: string, skipsCursor: string | undefined, skipsLimit: number): Promise<SyncRunDetailView> {
    const run = isUuid(runId) ? await this.runs.find(runId.toLowerCase()) : null;
    if (!run) throw new SyncError(SyncErrorCode.RUN_NOT_FOUND, 'sync run not found');
    const after = skipsCursor
      ? decode(skipsCursor, (v): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v))
      : null;
    const [steps, skips] = [await this.runs.listSteps(run.id), await this.runs.listSkips(run.id, after, skipsLimit)];
    return {
      ...toRunView(run),
      steps: steps.map((s) => ({
        name: s.name,
        status: s.status,
        startedAt: s.startedAt.toISOString(),
        finishedAt: s.finishedAt ? s.finishedAt.toISOString() : null,
        counts: s.counts,
        detail: s.detail,
      })),
      skips: {
        items: skips.map((s) => ({
          stagedUserId: s.stagedUserId,
          userName: s.userName,
          reason: s.reason,
          detail: s.detail,
        })),
        nextCursor: skips.length === skipsLimit ? encode(skips[skips.length - 1].id) : null,
      },
    };
  }
}
