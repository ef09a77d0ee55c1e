import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type { SyncCounts, SyncMode, SyncRunStatus, SyncSkipReason, SyncTrigger } from '../public/sync.types';
import type { PreviousRuns } from '../domain/sync-run';

export interface SyncRunRecord {
  id: string;
  tenantId: string;
  connectionId: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  mode: SyncMode;
  modeReason: string | null;
  since: Date | null;
  scheduledSlot: Date | null;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  counts: SyncCounts;
  error: string | null;
}

export interface SyncStepRecord {
  seq: number;
  name: string;
  status: SyncRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number>;
  detail: Record<string, unknown>;
}

export interface SyncSkipRecord {
  id: string;
  stagedUserId: string;
  userName: string | null;
  reason: SyncSkipReason;
  detail: string | null;
}

interface RunRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  status: SyncRunStatus;
  trigger: SyncTrigger;
  mode: SyncMode;
  mode_reason: string | null;
  since: Date | null;
  scheduled_slot: Date | null;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  provisioned: number;
  updated: number;
  deprovisioned: number;
  skipped: number;
  unchanged: number;
  error: string | null;
}

const RUN_COLUMNS = `id, tenant_id, connection_id, status, trigger, mode, mode_reason, since, scheduled_slot, started_at, heartbeat_at,
  finished_at, provisioned, updated, deprovisioned, skipped, unchanged, error`;

const toRun = (r: RunRow): SyncRunRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  connectionId: r.connection_id,
  status: r.status,
  trigger: r.trigger,
  mode: r.mode,
  modeReason: r.mode_reason,
  since: r.since,
  scheduledSlot: r.scheduled_slot,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  finishedAt: r.finished_at,
  counts: {
    provisioned: r.provisioned,
    updated: r.updated,
    deprovisioned: r.deprovisioned,
    skipped: r.skipped,
    unchanged: r.unchanged,
  },
  error: r.error,
});

export interface NewSyncRun {
  id: string;
  tenantId: string;
  connectionId: string;
  trigger: SyncTrigger;
  mode: SyncMode;
  modeReason: string;
  since: Date | null;
  scheduledSlot: Date | null;
  contextHash: string;
  owner: string;
}

/** Sync's tables (schema `sync`). Callers own the transaction (TransactionHost). */
@Injectable()
export class SyncRunRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(run: NewSyncRun): Promise<SyncRunRecord> {
    const [row] = await sqlRows<RunRow>(
      this.tx.manager,
      // The watermark the NEXT incremental run starts from: now, or earlier if a writing transaction
      // (e.g. a SCIM PATCH) is in flight — it may have stamped updated_at before now and commit after
      // this run has read its page. Exact, unlike a fixed overlap.
      `INSERT INTO sync.sync_run (id, tenant_id, connection_id, status, trigger, mode, mode_reason, since, scheduled_slot, context_hash, owner, watermark)
       VALUES ($1, $2, $3, 'in_progress', $4, $5, $6, $7, $8, $9, $10,
               (SELECT LEAST(now(), min(a.xact_start)) FROM pg_stat_activity a
                 WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()))
       RETURNING ${RUN_COLUMNS}`,
      [
        run.id,
        run.tenantId,
        run.connectionId,
        run.trigger,
        run.mode,
        run.modeReason,
        run.since,
        run.scheduledSlot,
        run.contextHash,
        run.owner,
      ],
    );
    return toRun(row);
  }

  async find(runId: string): Promise<SyncRunRecord | null> {
    const [row] = await sqlRows<RunRow>(this.tx.manager, `SELECT ${RUN_COLUMNS} FROM sync.sync_run WHERE id = $1`, [
      runId,
    ]);
    return row ? toRun(row) : null;
  }

  async findInProgress(connectionId: string): Promise<SyncRunRecord | null> {
    const [row] = await sqlRows<RunRow>(
      this.tx.manager,
      `SELECT ${RUN_COLUMNS} FROM sync.sync_run WHERE connection_id = $1 AND status = 'in_progress'`,
      [connectionId],
    );
    return row ? toRun(row) : null;
  }

  async listInProgress(): Promise<SyncRunRecord[]> {
    const rows = await sqlRows<RunRow>(
      this.tx.manager,
      `SELECT ${RUN_COLUMNS} FROM sync.sync_run WHERE status = 'in_progress' ORDER BY started_at`,
    );
    return rows.map(toRun);
  }

  /** Newest first, keyset-paged by (started_at, id). */
  async list(
    connectionId: string,
    limit: number,
    before?: [string, string],
  ): Promise<Array<SyncRunRecord & { cursorAt: string }>> {
    const params: unknown[] = [connectionId, limit];
    let keyset = '';
    if (before) {
      params.push(before[0], before[1]);
      keyset = `AND (started_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows = await sqlRows<RunRow & { cursor_at: string }>(
      this.tx.manager,
      `SELECT ${RUN_COLUMNS}, started_at::text AS cursor_at FROM sync.sync_run
        WHERE connection_id = $1 ${keyset} ORDER BY started_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ ...toRun(r), cursorAt: r.cursor_at }));
  }

  async previousRuns(connectionId: string): Promise<PreviousRuns> {
    const [last] = await sqlRows<{ watermark: Date; context_hash: string | null }>(
      this.tx.manager,
      `SELECT watermark, context_hash FROM sync.sync_run
        WHERE connection_id = $1 AND status = 'completed' AND mode IN ('full', 'incremental')
        ORDER BY started_at DESC LIMIT 1`,
      [connectionId],
    );
    const [full] = await sqlRows<{ started_at: Date }>(
      this.tx.manager,
      `SELECT started_at FROM sync.sync_run WHERE connection_id = $1 AND status = 'completed' AND mode = 'full' ORDER BY started_at DESC LIMIT 1`,
      [connectionId],
    );
    return {
      lastCompleted: last ? { watermark: last.watermark, contextHash: last.context_hash } : null,
      lastFull: full ? { startedAt: full.started_at } : null,
    };
  }

  /** Marks in-progress runs failed (state machine guard: only from in_progress). Returns the runs it changed. */
  async fail(where: { runId: string } | { connectionId: string }, error: string): Promise<SyncRunRecord[]> {
    const byRun = 'runId' in where;
    const rows = await sqlRows<RunRow>(
      this.tx.manager,
      `UPDATE sync.sync_run SET status = 'failed', finished_at = now(), error = $2
        WHERE ${byRun ? 'id = $1' : 'connection_id = $1'} AND status = 'in_progress'
       RETURNING ${RUN_COLUMNS}`,
      [byRun ? where.runId : where.connectionId, error.slice(0, 2000)],
    );
    await this.tx.manager.query(
      `UPDATE sync.sync_step SET status = 'failed', finished_at = now() WHERE run_id = ANY($1::uuid[]) AND status = 'in_progress'`,
      [rows.map((r) => r.id)],
    );
    return rows.map(toRun);
  }

  async complete(runId: string): Promise<SyncRunRecord | null> {
    const [row] = await sqlRows<RunRow>(
      this.tx.manager,
      `UPDATE sync.sync_run SET status = 'completed', finished_at = now() WHERE id = $1 AND status = 'in_progress' RETURNING ${RUN_COLUMNS}`,
      [runId],
    );
    return row ? toRun(row) : null;
  }

  /** Adds a batch's counts to the run and refreshes its heartbeat. */
  async addCounts(runId: string, delta: SyncCounts): Promise<void> {
    await this.tx.manager.query(
      `UPDATE sync.sync_run
          SET provisioned = provisioned + $2, updated = updated + $3, deprovisioned = deprovisioned + $4,
              skipped = skipped + $5, unchanged = unchanged + $6, heartbeat_at = now()
        WHERE id = $1 AND status = 'in_progress'`,
      [runId, delta.provisioned, delta.updated, delta.deprovisioned, delta.skipped, delta.unchanged],
    );
  }

  async insertSkips(
    runId: string,
    skips: ReadonlyArray<{
      stagedUserId: string;
      userName: string | null;
      reason: SyncSkipReason;
      detail: string | null;
    }>,
  ): Promise<void> {
    if (skips.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO sync.sync_run_skip (run_id, staged_user_id, user_name, reason, detail)
       SELECT $1, s.staged_user_id, s.user_name, s.reason, s.detail FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS s(staged_user_id, user_name, reason, detail)`,
      [
        runId,
        skips.map((s) => s.stagedUserId),
        skips.map((s) => s.userName),
        skips.map((s) => s.reason),
        skips.map((s) => s.detail),
      ],
    );
  }

  async listSkips(runId: string, afterId: string | null, limit: number): Promise<SyncSkipRecord[]> {
    const rows = await sqlRows<{
      id: string;
      staged_user_id: string;
      user_name: string | null;
      reason: SyncSkipReason;
      detail: string | null;
    }>(
      this.tx.manager,
      `SELECT id::text, staged_user_id, user_name, reason, detail FROM sync.sync_run_skip
        WHERE run_id = $1 AND id > $2::bigint ORDER BY id LIMIT $3`,
      [runId, afterId ?? '0', limit],
    );
    return rows.map((r) => ({
      id: r.id,
      stagedUserId: r.staged_user_id,
      userName: r.user_name,
      reason: r.reason,
      detail: r.detail,
    }));
  }

  async startStep(runId: string, seq: number, name: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO sync.sync_step (run_id, seq, name, detail) VALUES ($1, $2, $3, $4::jsonb)`,
      [runId, seq, name, JSON.stringify(detail)],
    );
  }

  async updateStep(
    runId: string,
    seq: number,
    patch: { status?: SyncRunStatus; counts?: Record<string, number>; detail?: Record<string, unknown> },
  ): Promise<void> {
    await this.tx.manager.query(
      `UPDATE sync.sync_step
          SET counts = COALESCE($3::jsonb, counts), detail = detail || COALESCE($4::jsonb, '{}'::jsonb),
              status = COALESCE($5, status), finished_at = CASE WHEN $5::text IS NULL OR $5 = 'in_progress' THEN finished_at ELSE now() END
        WHERE run_id = $1 AND seq = $2`,
      [
        runId,
        seq,
        patch.counts ? JSON.stringify(patch.counts) : null,
        patch.detail ? JSON.stringify(patch.detail) : null,
        patch.status ?? null,
      ],
    );
  }

  async listSteps(runId: string): Promise<SyncStepRecord[]> {
    const rows = await sqlRows<{
      seq: number;
      name: string;
      status: SyncRunStatus;
      started_at: Date;
      finished_at: Date | null;
      counts: Record<string, number>;
      detail: Record<string, unknown>;
    }>(
      this.tx.manager,
      `SELECT seq, name, status, started_at, finished_at, counts, detail FROM sync.sync_step WHERE run_id = $1 ORDER BY seq`,
      [runId],
    );
    return rows.map((r) => ({
      seq: r.seq,
      name: r.name,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      counts: r.counts,
      detail: r.detail,
    }));
  }
}
