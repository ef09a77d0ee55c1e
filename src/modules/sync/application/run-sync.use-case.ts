import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { AdvisoryLockService } from '../../../shared/database/advisory-lock.service';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { Clock } from '../../../shared/domain/clock';
import { EventBus } from '../../../shared/events/event-bus';
import { StagingFacade, type SyncStagedUser, type SyncUserPage } from '../../staging/public';
import { TenancyFacade } from '../../tenancy/public';
import {
  addCounts,
  chooseMode,
  STALE_RUN_ERROR,
  ZERO_COUNTS,
  type ModeDecision,
  type RequestedSyncMode,
} from '../domain/sync-run';
import { withLongStatements } from '../../../shared/database/bounded-client';
import { Metrics } from '../../../shared/metrics/metrics';
import { SyncRunCompletedEvent } from '../public/events/sync-run-completed.event';
import { SyncRunFailedEvent } from '../public/events/sync-run-failed.event';
import { SyncRunStartedEvent } from '../public/events/sync-run-started.event';
import { SyncUsersSkippedEvent } from '../public/events/sync-users-skipped.event';
import { SyncError, SyncErrorCode } from '../public/sync.errors';
import type { SyncCounts, SyncSkipReason, SyncTrigger } from '../public/sync.types';
import { SyncRunRepository, type SyncRunRecord } from '../infrastructure/sync-run.repository';
import { ProcessSyncBatchUseCase, stagedRecord, type UserOutcome } from './process-sync-batch.use-case';
import { LoadSyncContextUseCase, type SyncContext } from './load-sync-context.use-case';

/** The advisory lock a run holds for its whole life: its existence proves the owner is alive. */
export const syncLockName = (connectionId: string) => `sync.connection:${connectionId}`;

export interface StartSyncRunInput {
  readonly connectionId: string;
  readonly trigger: SyncTrigger;
  readonly mode?: RequestedSyncMode;
  /** Scheduled runs: the schedule's fire time; a second replica firing the same slot is refused. */
  readonly scheduledSlot?: Date;
}

export interface StartedSyncRun {
  readonly run: SyncRunRecord;
  /** Settles when the run has finished (completed or failed); never rejects. */
  readonly done: Promise<void>;
}

const isUniqueViolation = (err: unknown, constraint: string) => {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e?.driverError?.code ?? e?.code) === '23505' && (e?.driverError?.constraint ?? e?.constraint) === constraint;
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** How long a start waits on a lock held with no in_progress row (see `whenLockFree`): 100 × 20 ms. */
const LOCK_ATTEMPTS = 100;
const LOCK_RETRY_INTERVAL_MS = 20;

/**
 * Starts and executes sync runs. A run of a connection holds `pg_try_advisory_lock(sync.connection:<id>)`
 * from before its row is inserted until after it is final, so: a second start anywhere → 409 with the
 * running id; a run row `in_progress` whose lock is free belongs to a dead process (reclaimed as
 * failed). The partial unique index `sync_run (connection_id) WHERE status = 'in_progress'` backs
 * this up in the database.
 *
 * Each page of staged users is decided and applied in one Tenancy transaction; the run row's counts
 * and heartbeat advance per page in Sync's own transaction. A run killed midway leaves whole users
 * only; the next run (full, or incremental from the last COMPLETED run) finishes the work.
 */
@Injectable()
export class RunSyncUseCase implements OnModuleDestroy {
  private readonly logger = new Logger(RunSyncUseCase.name);
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly tx: TransactionHost,
    private readonly locks: AdvisoryLockService,
    private readonly events: EventBus,
    private readonly runs: SyncRunRepository,
    private readonly contexts: LoadSyncContextUseCase,
    private readonly processor: ProcessSyncBatchUseCase,
    private readonly tenancy: TenancyFacade,
    private readonly staging: StagingFacade,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** Stops at the next page boundary (the run is marked failed) and waits for running runs. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  /**
   * Starts a run and resolves once its row exists (status in_progress); the work continues in the
   * background (`done`). Throws RUN_IN_PROGRESS (with the running id) when the connection is busy,
   * SLOT_ALREADY_RUN for a scheduled slot another replica took, CONNECTION_NOT_FOUND.
   */
  async start(input: StartSyncRunInput): Promise<StartedSyncRun> {
    if (this.stopping) throw new SyncError(SyncErrorCode.RUN_IN_PROGRESS, 'the service is shutting down');
    const live = await this.tenancy.findLiveConnection(input.connectionId);
    if (!live) throw new SyncError(SyncErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
    const started = deferred<SyncRunRecord>();
    const run = async () => {
      let prepared: { run: SyncRunRecord; ctx: SyncContext; decision: ModeDecision };
      try {
        prepared = await this.open(input);
      } catch (err) {
        started.reject(err);
        return;
      }
      started.resolve(prepared.run);
      // A run's batches are long work: their statements get the long bound, not a request's.
      await withLongStatements(this.env.DATABASE_LONG_STATEMENT_TIMEOUT_MS, () =>
        this.execute(prepared.run, prepared.ctx, prepared.decision),
      );
    };
    const work = this.whenLockFree(live.id, run)
      .then((current) => {
        if (current === 'ran') return;
        started.reject(
          new SyncError(
            SyncErrorCode.RUN_IN_PROGRESS,
            'a sync run of this connection is in progress',
            current?.id ?? null,
          ),
        );
      })
      .catch((err: Error) => {
        started.reject(err);
        this.logger.error(`sync run of ${live.id} crashed: ${err.message}`);
      });
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return { run: await started.promise, done: work };
  }

  /**
   * Runs `fn` under the connection's lock, or answers the run that holds it. A held lock with no
   * in_progress row is a moment, not a run: a winner that has not committed its row yet (issue #16:
   * two POSTs at once answered 409 with `runId: null`), or a finished run — or a replica's reclaimer
   * check — about to release it (a start right after "completed" answered 409). So look and try again.
   */
  private async whenLockFree(connectionId: string, fn: () => Promise<void>): Promise<'ran' | SyncRunRecord | null> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.locks.tryWithLock(syncLockName(connectionId), fn);
      if (outcome.acquired) return 'ran';
      const current = await this.runs.findInProgress(connectionId).catch(() => null);
      if (current || attempt >= LOCK_ATTEMPTS) return current;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_INTERVAL_MS));
    }
  }

  /** Under the lock: decide the mode, reclaim a dead owner's row, insert the run and its first step. */
  private async open(
    input: StartSyncRunInput,
  ): Promise<{ run: SyncRunRecord; ctx: SyncContext; decision: ModeDecision }> {
    const ctx = await this.contexts.load(input.connectionId);
    if (!ctx) throw new SyncError(SyncErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
    const previous = await this.runs.previousRuns(ctx.scope.connectionId);
    const decision = chooseMode(
      input.mode ?? 'auto',
      previous,
      ctx.hash,
      this.clock.now(),
      this.env.SYNC_FULL_RECONCILE_HOURS,
    );
    try {
      const run = await this.tx.run(async () => {
        // We hold the lock: any row still in_progress belongs to a process that died.
        const stale = await this.runs.fail({ connectionId: ctx.scope.connectionId }, STALE_RUN_ERROR);
        const run = await this.runs.insert({
          id: randomUUID(),
          tenantId: ctx.scope.tenantId,
          connectionId: ctx.scope.connectionId,
          trigger: input.trigger,
          mode: decision.mode,
          modeReason: decision.reason,
          since: decision.since,
          scheduledSlot: input.scheduledSlot ?? null,
          contextHash: ctx.hash,
          owner: this.owner,
        });
        await this.runs.startStep(run.id, 1, 'prepare', {
          mode: decision.mode,
          reason: decision.reason,
          since: decision.since?.toISOString() ?? null,
          ssoDomains: ctx.ssoDomains.size,
          groupMappings: ctx.mappingCount,
          stagedGroups: ctx.groups.length,
        });
        await this.runs.updateStep(run.id, 1, { status: 'completed' });
        await this.events.publish(
          ...stale.map((s) => this.failedEvent(s, STALE_RUN_ERROR)),
          new SyncRunStartedEvent(
            {
              syncRunId: run.id,
              connectionId: run.connectionId,
              trigger: run.trigger,
              mode: run.mode,
              modeReason: decision.reason,
            },
            { tenantId: run.tenantId },
          ),
        );
        return run;
      });
      return { run, ctx, decision };
    } catch (err) {
      if (isUniqueViolation(err, 'sync_run__connection_id_scheduled_slot__uq')) {
        throw new SyncError(SyncErrorCode.SLOT_ALREADY_RUN, 'this schedule slot already ran for the connection');
      }
      throw err;
    }
  }

  private failedEvent(run: SyncRunRecord, error: string): SyncRunFailedEvent {
    return new SyncRunFailedEvent(
      {
        syncRunId: run.id,
        connectionId: run.connectionId,
        trigger: run.trigger,
        mode: run.mode,
        counts: run.counts,
        error,
      },
      { tenantId: run.tenantId },
    );
  }

  private async execute(run: SyncRunRecord, ctx: SyncContext, decision: ModeDecision): Promise<void> {
    const started = Date.now();
    let seq = 1;
    try {
      let pages: AsyncIterable<SyncStagedUser[]>;
      if (decision.mode === 'incremental') {
        seq++;
        await this.tx.run(() =>
          this.runs.startStep(run.id, seq, 'collect-changes', { since: decision.since!.toISOString() }),
        );
        const ids = await this.changedUserIds(ctx, decision.since!, run.id, seq);
        await this.tx.run(() =>
          this.runs.updateStep(run.id, seq, { status: 'completed', counts: { candidates: ids.length } }),
        );
        pages = this.pagesOfIds(ctx, ids);
      } else {
        pages = this.pagesOf(ctx, decision.mode === 'deprovision' ? 'deprovisionable' : 'all');
      }
      seq++;
      const stepName = decision.mode === 'deprovision' ? 'deprovision-users' : 'reconcile-users';
      await this.tx.run(() => this.runs.startStep(run.id, seq, stepName, { batchSize: this.env.SYNC_BATCH_SIZE }));
      let stepCounts: SyncCounts = { ...ZERO_COUNTS };
      let batches = 0;
      for await (const users of pages) {
        if (this.stopping) throw new Error('interrupted: the process is shutting down');
        const { outcomes, counts } = await this.processor.process(ctx, users, {
          runId: run.id,
          mode: decision.mode,
          apply: true,
        });
        stepCounts = addCounts(stepCounts, counts);
        batches++;
        await this.recordBatch(run, seq, outcomes, counts, stepCounts, batches);
        const records = outcomes.map(stagedRecord).filter((r) => r !== null);
        await this.staging.recordSyncOutcome(ctx.scope, records);
      }
      const completed = await this.tx.run(async () => {
        await this.runs.updateStep(run.id, seq, {
          status: 'completed',
          counts: { ...stepCounts },
          detail: { batches },
        });
        const done = await this.runs.complete(run.id);
        if (done) {
          await this.events.publish(
            new SyncRunCompletedEvent(
              {
                syncRunId: run.id,
                connectionId: run.connectionId,
                trigger: run.trigger,
                mode: run.mode,
                counts: done.counts,
                durationMs: Date.now() - started,
              },
              { tenantId: run.tenantId },
            ),
          );
        }
        return done !== undefined && done !== null;
      });
      if (completed) this.recordRun(decision.mode, 'completed', started);
    } catch (err) {
      this.recordRun(decision.mode, 'failed', started);
      const message = ((err as Error)?.message ?? String(err)).slice(0, 1000);
      this.logger.error(`sync run ${run.id} of ${run.connectionId} failed: ${message}`);
      try {
        await this.tx.run(async () => {
          const failed = await this.runs.fail({ runId: run.id }, message);
          await this.events.publish(...failed.map((f) => this.failedEvent(f, message)));
        });
      } catch (markErr) {
        // The lock goes with our connection; the reclaimer will mark the run failed.
        this.logger.error(`could not mark sync run ${run.id} failed: ${(markErr as Error).message}`);
      }
    }
  }

  private recordRun(mode: string, outcome: 'completed' | 'failed', started: number): void {
    this.metrics.syncRuns.inc({ mode, outcome });
    this.metrics.syncDuration.observe({ mode }, (Date.now() - started) / 1000);
  }

  /** Skip rows, counts, heartbeat and the batch's skip event — one Sync transaction per page. */
  private async recordBatch(
    run: SyncRunRecord,
    seq: number,
    outcomes: UserOutcome[],
    counts: SyncCounts,
    stepCounts: SyncCounts,
    batches: number,
  ): Promise<void> {
    const skips = outcomes
      .filter((o) => o.kind === 'skipped')
      .map((o) => ({
        stagedUserId: o.user.id,
        userName: o.user.userName,
        email: o.user.email,
        reason: o.reason as SyncSkipReason,
        detail: o.error ?? null,
      }));
    await this.tx.run(async () => {
      await this.runs.insertSkips(run.id, skips);
      await this.runs.addCounts(run.id, counts);
      await this.runs.updateStep(run.id, seq, { counts: { ...stepCounts }, detail: { batches } });
      // One event per skipped user: its audit entry names the person (the trail's subject).
      await this.events.publish(
        ...skips.map(
          (s) =>
            new SyncUsersSkippedEvent(
              {
                syncRunId: run.id,
                connectionId: run.connectionId,
                skips: [{ stagedUserId: s.stagedUserId, reason: s.reason }],
                countsByReason: { [s.reason]: 1 },
                subject: { userName: s.userName, email: s.email },
              },
              { tenantId: run.tenantId },
            ),
        ),
      );
    });
  }

  /**
   * An incremental run's candidates: staged rows changed since the watermark, users whose last
   * outcome was an error, current members of staged groups changed since (members added/removed,
   * renamed, deleted), and — for removals, which leave no row in staging — the SCIM members holding
   * internal groups those changed groups map to, under their current names or any name they had since.
   */
  private async changedUserIds(ctx: SyncContext, since: Date, runId: string, seq: number): Promise<string[]> {
    const changed = ctx.groups.filter((g) => g.updatedAt.getTime() > since.getTime());
    const changedGroups = changed.map((g) => g.id);
    // Under every name a changed group had since: a member removed from "Finance" that was then
    // renamed "Finance Archive" holds what "Finance" gave, which no rule of the new name reveals.
    const formerNames = changed.flatMap((g) => g.formerNames.filter((n) => n.renamedAt.getTime() > since.getTime()));
    const affectedInternal = [
      ...new Set([
        ...ctx.mapper.internalGroupsOf(changedGroups),
        ...formerNames.flatMap((n) => ctx.mapper.internalGroupsOfName(n)),
      ]),
    ];
    const staged = await this.staging.listChangedUserIdsForSync(ctx.scope, {
      since,
      groupIds: changedGroups,
      retrySkipReasons: ['error'],
    });
    const holders =
      affectedInternal.length > 0 ? await this.tenancy.findScimMembersInGroups(ctx.scope, affectedInternal) : [];
    const ids = [...new Set([...staged, ...holders])];
    await this.tx.run(() =>
      this.runs.updateStep(runId, seq, {
        detail: {
          changedGroups: changedGroups.length,
          formerNames: formerNames.length,
          changedRows: staged.length,
          groupHolders: holders.length,
        },
      }),
    );
    return ids;
  }

  /** Keyset pages; the next page is read while the current one is being applied (one page ahead). */
  private async *pagesOf(ctx: SyncContext, kind: 'all' | 'deprovisionable'): AsyncIterable<SyncStagedUser[]> {
    const read = (cursor: string | null) =>
      this.staging.listUsersForSync(ctx.scope, { kind, cursor, limit: this.env.SYNC_BATCH_SIZE });
    let next: Promise<SyncUserPage> | null = read(null);
    while (next) {
      const page: SyncUserPage = await next;
      next = page.nextCursor ? read(page.nextCursor) : null;
      // A failed prefetch surfaces when awaited; never as an unhandled rejection meanwhile.
      next?.catch(() => undefined);
      if (page.items.length > 0) yield page.items;
    }
  }

  private async *pagesOfIds(ctx: SyncContext, ids: readonly string[]): AsyncIterable<SyncStagedUser[]> {
    const size = this.env.SYNC_BATCH_SIZE;
    const read = (from: number) =>
      this.staging.listUsersForSync(ctx.scope, { kind: 'ids', ids: ids.slice(from, from + size) });
    let next: Promise<SyncUserPage> | null = ids.length > 0 ? read(0) : null;
    for (let from = 0; next; from += size) {
      const page: SyncUserPage = await next;
      next = from + size < ids.length ? read(from + size) : null;
      next?.catch(() => undefined);
      if (page.items.length > 0) yield page.items;
    }
  }
}
