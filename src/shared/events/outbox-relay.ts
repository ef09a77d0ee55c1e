import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { pgPool } from '../database/sql';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import { Metrics, type OutboxBacklog } from '../metrics/metrics';
import type { Actor, DomainEvent } from '../domain/domain-event';
import { RequestContext } from '../context/request-context';
import { EventRegistry } from './event-registry';
import { OUTBOX_BATCH, type OutboxBatch } from './outbox-batch';

interface OutboxRow {
  id: string;
  event_id: string;
  event_name: string;
  version: number;
  tenant_id: string | null;
  payload: Record<string, unknown>;
  correlation_id: string | null;
  causation_id: string | null;
  occurred_at: Date;
  attempts: number;
  actor: Actor;
  source_ip: string | null;
  priority: number;
}

const BATCH_SIZE = 100;
/** A relay whose batch stays idle in its transaction this long loses the claim (PostgreSQL ends the session). */
const CLAIM_TIMEOUT_SECONDS = 60;

/**
 * A delivery loop over part of the outbox. `urgent` takes events with priority > 0 (deactivation,
 * deletion, revoked membership) so they never wait behind a backlog of ordinary events; `normal`
 * takes the rest. Each lane is single-flight per process; kicks within `coalesceMs` share one
 * pass (one claim), so a burst of commits costs few round trips.
 */
class Lane {
  draining: Promise<void> | undefined;
  again = false;
  kickTimer: NodeJS.Timeout | undefined;
  readonly claimSql: string;
  constructor(
    readonly name: 'urgent' | 'normal',
    condition: string,
    readonly coalesceMs: number,
    /** Does an event of this priority travel in this lane? */
    readonly carries: (priority: number) => boolean,
  ) {
    this.claimSql = `SELECT id, event_id, event_name, version, tenant_id, payload, correlation_id, causation_id, occurred_at, attempts, actor, source_ip, priority
                       FROM platform.outbox_message
                      WHERE status = 'pending' AND available_at <= now() AND ${condition}
                      ORDER BY id
                      LIMIT ${BATCH_SIZE}
                      FOR UPDATE SKIP LOCKED`;
  }
}

/**
 * Moves committed outbox rows to @nestjs/event-emitter listeners. Claims rows with
 * `FOR UPDATE SKIP LOCKED` (replicas share the work without a global lock) in a transaction that
 * lasts while they are delivered; deletes the delivered ones, retries failed ones with exponential
 * backoff, and dead-letters them after OUTBOX_MAX_ATTEMPTS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly lanes = [
    new Lane('urgent', 'priority > 0', 0, (p) => p > 0),
    new Lane('normal', 'priority = 0', 20, (p) => p === 0),
  ];

  constructor(
    private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Optional() private readonly metrics?: Metrics,
  ) {
    if (metrics) metrics.outboxProbe = () => this.backlog();
  }

  /** What waits in each lane and what is dead, for the metrics scrape. */
  async backlog(): Promise<OutboxBacklog> {
    const lanes: Array<{ lane: string; pending: number; oldest: number }> = await this.dataSource.query(
      `SELECT CASE WHEN priority > 0 THEN 'urgent' ELSE 'normal' END AS lane, count(*)::int AS pending,
              COALESCE(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS oldest
         FROM platform.outbox_message WHERE status = 'pending' GROUP BY 1`,
    );
    const dead: Array<{ event: string; count: number }> = await this.dataSource.query(
      `SELECT event_name AS event, count(*)::int AS count FROM platform.outbox_message WHERE status = 'dead' GROUP BY 1`,
    );
    const seen = new Map(lanes.map((l) => [l.lane, l]));
    return {
      lanes: this.lanes.map((l) => ({
        lane: l.name,
        pending: seen.get(l.name)?.pending ?? 0,
        oldestSeconds: seen.get(l.name)?.oldest ?? 0,
      })),
      dead,
    };
  }

  onApplicationBootstrap(): void {
    if (!this.env.OUTBOX_RELAY_ENABLED) return;
    this.timer = setInterval(() => this.kick(), this.env.OUTBOX_POLL_INTERVAL_MS);
    this.kick();
  }

  /** Runs before the DataSource closes (TypeORM closes it in onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const lane of this.lanes) if (lane.kickTimer) clearTimeout(lane.kickTimer);
    // A pass that fails now (the database went first) was logged by its kick; shutdown goes on.
    await Promise.all(this.lanes.map((l) => (l.draining ?? Promise.resolve()).catch(() => undefined)));
  }

  /**
   * Asks for a pass soon: of the lanes that carry events of `priorities` (a commit knows what it
   * wrote — an ordinary SCIM write must not cost the urgent lane an empty claim), else of every
   * lane. Concurrent kicks coalesce.
   */
  kick(priorities?: readonly number[]): void {
    if (!this.env.OUTBOX_RELAY_ENABLED || this.stopped) return;
    for (const lane of this.lanes) {
      if (lane.kickTimer) continue;
      if (priorities && !priorities.some(lane.carries)) continue;
      // Outside the kicking request: the handlers' events must not take its actor, correlation or IP.
      lane.kickTimer = RequestContext.outside(() =>
        setTimeout(() => {
          lane.kickTimer = undefined;
          void this.drainLane(lane).catch((err: Error) => {
            if (!this.stopped) this.logger.error(`outbox ${lane.name} drain failed: ${err.message}`);
          });
        }, lane.coalesceMs),
      );
    }
  }

  /** Delivers everything currently due in every lane. Resolves when nothing due is left. */
  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.drainLane(lane)));
  }

  private drainLane(lane: Lane): Promise<void> {
    if (lane.draining) {
      lane.again = true;
      return lane.draining;
    }
    lane.draining = (async () => {
      try {
        do {
          lane.again = false;
          // A short batch means the lane had nothing more due when claimed; new commits kick again.
          while (!this.stopped && (await this.deliverBatch(lane)) === BATCH_SIZE) {
            /* keep going while there is work */
          }
        } while (lane.again && !this.stopped);
      } finally {
        lane.draining = undefined;
      }
    })();
    return lane.draining;
  }

  /**
   * One batch: claims up to BATCH_SIZE due rows by locking them (`FOR UPDATE SKIP LOCKED`) in a
   * transaction held while they are delivered, then deletes the delivered rows and reschedules the
   * failed ones before COMMIT. The lock is the claim, so claiming writes nothing (docs/performance.md,
   * "Outbox relay"), and a relay that dies mid-batch leaves its rows due at once. Handlers are
   * idempotent, so a batch that cannot commit is delivered again harmlessly.
   */
  private async deliverBatch(lane: Lane): Promise<number> {
    const client = await pgPool(this.dataSource).connect();
    // node-pg emits 'error' on a checked-out client whose connection dies between queries (here:
    // while the handlers run) — unheard, that is an uncaught exception that takes the process down.
    let lost: Error | undefined;
    const onError = (err: Error) => (lost = err);
    client.on('error', onError);
    let open = false;
    try {
      // A relay that stops answering (not dead, so its connection stays up) must not hold its rows forever.
      await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = '${CLAIM_TIMEOUT_SECONDS}s'`);
      open = true;
      const { rows } = await client.query<OutboxRow>({ text: lane.claimSql, name: `roster_outbox_claim_${lane.name}` });
      const delivered: string[] = [];
      const failed: Array<{ row: OutboxRow; message: string }> = [];
      const events = new Map(rows.map((row) => [row, this.toEvent(row)] as const));
      const good = [...events.values()].filter((e): e is DomainEvent<object> => !(e instanceof Error));
      if (good.length > 1) {
        try {
          await this.emitter.emitAsync(OUTBOX_BATCH, good satisfies OutboxBatch);
        } catch (err) {
          // The per-event delivery below does whatever the batch listener did not commit.
          this.logger.warn(
            `outbox batch listener failed, delivering one by one: ${(err as Error)?.message ?? String(err)}`,
          );
        }
      }
      for (const [row, event] of events) {
        const error = await this.deliver(row, event);
        if (error === undefined) {
          delivered.push(row.id);
          this.metrics?.deliveryLag.observe(
            { lane: lane.name },
            (Date.now() - new Date(row.occurred_at).getTime()) / 1000,
          );
        } else failed.push({ row, message: error });
      }
      if (delivered.length > 0) {
        await client.query({
          text: `DELETE FROM platform.outbox_message WHERE id = ANY($1::bigint[])`,
          values: [delivered],
          name: 'roster_outbox_delete',
        });
      }
      for (const { row, message } of failed) await this.reschedule(client, row, message);
      await client.query('COMMIT');
      open = false;
      return rows.length;
    } finally {
      // A connection whose transaction could not be rolled back is not handed back to the pool.
      const unusable =
        lost !== undefined ||
        (open &&
          (await client.query('ROLLBACK').then(
            () => false,
            () => true,
          )));
      client.removeListener('error', onError);
      client.release(unusable ? (lost ?? new Error('outbox relay: rollback failed')) : undefined);
    }
  }

  /** A failed row: retried with exponential backoff (1 s, 2 s, 4 s … capped at 5 minutes), dead after OUTBOX_MAX_ATTEMPTS. */
  private async reschedule(client: PoolClient, row: OutboxRow, message: string): Promise<void> {
    const attempts = row.attempts + 1;
    const dead = attempts >= this.env.OUTBOX_MAX_ATTEMPTS;
    const delaySeconds = Math.min(300, 2 ** (attempts - 1));
    await client.query(
      `UPDATE platform.outbox_message
          SET status = $2, attempts = $3, available_at = now() + make_interval(secs => $4), last_error = $5,
              first_failed_at = COALESCE(first_failed_at, now()), last_failed_at = now()
        WHERE id = $1`,
      [row.id, dead ? 'dead' : 'pending', attempts, delaySeconds, message.slice(0, 2000)],
    );
    if (dead) {
      // Dead letters wait for an admin (GET /admin/v1/outbox/dead-letters, then …/retry); a dead
      // deprovisioning event (urgent lane) means someone kept access they should have lost.
      this.metrics?.outboxDeadLettered.inc({ event: row.event_name });
      this.logger.error(
        `outbox event ${row.event_name} ${row.event_id} is dead after ${attempts} attempts` +
          `${row.priority > 0 ? ' (deprovisioning: access is NOT removed until it is retried)' : ''}: ${message}`,
      );
    } else
      this.logger.warn(
        `outbox event ${row.event_name} ${row.event_id} failed (attempt ${attempts}), retry in ${delaySeconds}s: ${message}`,
      );
  }

  /** The row as its event class, or why it cannot be (deliver() then fails the row). */
  private toEvent(row: OutboxRow): DomainEvent<object> | Error {
    const cls = EventRegistry.get(row.event_name);
    if (!cls) return new Error(`no event class registered for ${row.event_name}`);
    try {
      return new cls(row.payload as never, {
        eventId: row.event_id,
        tenantId: row.tenant_id,
        correlationId: row.correlation_id,
        causationId: row.causation_id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        actor: row.actor,
        sourceIp: row.source_ip,
      });
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Emits one event to its listeners; undefined when every listener succeeded, else why not. */
  private async deliver(row: OutboxRow, event: DomainEvent<object> | Error): Promise<string | undefined> {
    try {
      if (event instanceof Error) throw event;
      await this.emitter.emitAsync(row.event_name, event);
      return undefined;
    } catch (err) {
      return (err as Error)?.message ?? String(err);
    }
  }
}
