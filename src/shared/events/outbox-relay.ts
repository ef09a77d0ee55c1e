import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import type { Actor, DomainEvent } from '../domain/domain-event';
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
}

const BATCH_SIZE = 100;
/** A claimed row whose relay died is reclaimed after this lease. */
const LEASE_SECONDS = 30;

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
  constructor(
    readonly name: 'urgent' | 'normal',
    readonly condition: string,
    readonly coalesceMs: number,
  ) {}
}

/**
 * Moves committed outbox rows to @nestjs/event-emitter listeners. Claims rows with
 * `FOR UPDATE SKIP LOCKED` (replicas share the work without a global lock), leases them, and marks
 * each done, retried with exponential backoff, or dead after OUTBOX_MAX_ATTEMPTS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly lanes = [new Lane('urgent', 'priority > 0', 0), new Lane('normal', 'priority = 0', 20)];

  constructor(
    private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

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
    await Promise.all(this.lanes.map((l) => l.draining));
  }

  /** Asks every lane for a pass soon; concurrent kicks coalesce. */
  kick(): void {
    if (!this.env.OUTBOX_RELAY_ENABLED || this.stopped) return;
    for (const lane of this.lanes) {
      if (lane.kickTimer) continue;
      lane.kickTimer = setTimeout(() => {
        lane.kickTimer = undefined;
        void this.drainLane(lane).catch((err: Error) => {
          if (!this.stopped) this.logger.error(`outbox ${lane.name} drain failed: ${err.message}`);
        });
      }, lane.coalesceMs);
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

  private async deliverBatch(lane: Lane): Promise<number> {
    const rows: OutboxRow[] = await this.dataSource.query(
      `WITH claimed AS (
       UPDATE platform.outbox_message o
          SET status = 'processing', locked_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
        WHERE o.id IN (
              SELECT id FROM platform.outbox_message
               WHERE ((status = 'pending' AND available_at <= now())
                  OR (status = 'processing' AND locked_until < now()))
                 AND ${lane.condition}
               ORDER BY id
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
       RETURNING o.id, o.event_id, o.event_name, o.version, o.tenant_id, o.payload, o.correlation_id,
                 o.causation_id, o.occurred_at, o.attempts, o.actor, o.source_ip)
       SELECT * FROM claimed ORDER BY id`,
      [BATCH_SIZE, LEASE_SECONDS],
    );
    const delivered: string[] = [];
    const events = new Map(rows.map((row) => [row, this.toEvent(row)] as const));
    const good = [...events.values()].filter((e): e is DomainEvent<object> => !(e instanceof Error));
    if (good.length > 1) {
      try {
        await this.emitter.emitAsync(OUTBOX_BATCH, good satisfies OutboxBatch);
      } catch (err) {
        // The per-event delivery below does whatever the batch listener did not commit.
        this.logger.warn(`outbox batch listener failed, delivering one by one: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    for (const [row, event] of events) if (await this.deliver(row, event)) delivered.push(row.id);
    if (delivered.length > 0) {
      await this.dataSource.query(
        `UPDATE platform.outbox_message SET status = 'done', processed_at = now(), locked_until = NULL, last_error = NULL
          WHERE id = ANY($1::bigint[])`,
        [delivered],
      );
    }
    return rows.length;
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

  /** Emits one event to its listeners; true when every listener succeeded. */
  private async deliver(row: OutboxRow, event: DomainEvent<object> | Error): Promise<boolean> {
    try {
      if (event instanceof Error) throw event;
      await this.emitter.emitAsync(row.event_name, event);
      return true;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      const dead = row.attempts >= this.env.OUTBOX_MAX_ATTEMPTS;
      // Exponential backoff: 1 s, 2 s, 4 s … capped at 5 minutes.
      const delaySeconds = Math.min(300, 2 ** (row.attempts - 1));
      await this.dataSource.query(
        `UPDATE platform.outbox_message
            SET status = $2, available_at = now() + make_interval(secs => $3), locked_until = NULL, last_error = $4
          WHERE id = $1`,
        [row.id, dead ? 'dead' : 'pending', delaySeconds, message.slice(0, 2000)],
      );
      if (dead) this.logger.error(`outbox event ${row.event_name} ${row.event_id} is dead after ${row.attempts} attempts: ${message}`);
      else this.logger.warn(`outbox event ${row.event_name} ${row.event_id} failed (attempt ${row.attempts}), retry in ${delaySeconds}s: ${message}`);
      return false;
    }
  }
}
