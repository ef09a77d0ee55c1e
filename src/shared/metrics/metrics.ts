import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EventRegistry } from '../events/event-registry';

/** Outbox figures read from PostgreSQL when Prometheus scrapes (see OutboxRelay.backlog). */
export interface OutboxBacklog {
  lanes: Array<{ lane: string; pending: number; oldestSeconds: number }>;
  dead: Array<{ event: string; count: number }>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every Prometheus metric Roster exposes (documented in docs/operations.md, "Metrics"). One registry
 * per application instance, so several apps in one process (the tests) do not collide. Labels stay
 * bounded: route patterns, never URLs; a connection id only once its bearer token was accepted.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly scimRequests = new Counter({
    name: 'roster_scim_requests_total',
    help: 'SCIM requests by connection (empty when not authenticated), operation and status',
    labelNames: ['connection', 'operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly scimThrottled = new Counter({
    name: 'roster_scim_throttled_total',
    help: 'SCIM requests refused with 429 by the per-connection rate limit',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'roster_auth_failures_total',
    help: 'Requests answered 401, by API (scim, admin, sessions)',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });

  readonly authThrottled = new Counter({
    name: 'roster_auth_throttled_total',
    help: 'Requests refused 429 by the failed-authentication throttle (no credential lookup), by API',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });

  /** Set by the outbox relay: reads the backlog when scraped. */
  outboxProbe: (() => Promise<OutboxBacklog>) | undefined;
  private probe: Promise<OutboxBacklog | undefined> | undefined;

  readonly outboxBacklog = new Gauge({
    name: 'roster_outbox_backlog',
    help: 'Outbox events waiting for delivery, by lane',
    labelNames: ['lane'] as const,
    registers: [this.registry],
    collect: async () => {
      const b = await this.readOutbox();
      this.outboxBacklog.reset();
      for (const l of b?.lanes ?? []) this.outboxBacklog.set({ lane: l.lane }, l.pending);
    },
  });

  readonly outboxOldest = new Gauge({
    name: 'roster_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox event waiting for delivery, by lane',
    labelNames: ['lane'] as const,
    registers: [this.registry],
    collect: async () => {
      const b = await this.readOutbox();
      this.outboxOldest.reset();
      for (const l of b?.lanes ?? []) this.outboxOldest.set({ lane: l.lane }, l.oldestSeconds);
    },
  });

  readonly outboxDead = new Gauge({
    name: 'roster_outbox_dead_letters',
    help: 'Dead-lettered outbox events (delivery gave up; see GET /admin/v1/outbox/dead-letters), by event name',
    labelNames: ['event'] as const,
    registers: [this.registry],
    collect: async () => {
      const b = await this.readOutbox();
      this.outboxDead.reset();
      if (!b) return;
      // A series at 0 for every event from boot on, so `> 0` alerts and dashboards have something to read.
      for (const cls of EventRegistry.all()) this.outboxDead.set({ event: cls.eventName }, 0);
      for (const d of b.dead) this.outboxDead.set({ event: d.event }, d.count);
    },
  });

  readonly outboxDeadLettered = new Counter({
    name: 'roster_outbox_dead_lettered_total',
    help: 'Outbox events this process dead-lettered, by event name',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly deliveryLag = new Histogram({
    name: 'roster_event_delivery_lag_seconds',
    help: 'From an event being written to its successful delivery, by outbox lane',
    labelNames: ['lane'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  readonly syncRuns = new Counter({
    name: 'roster_sync_runs_total',
    help: 'Finished sync runs by mode and outcome (completed, failed)',
    labelNames: ['mode', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly syncDuration = new Histogram({
    name: 'roster_sync_run_duration_seconds',
    help: 'Duration of finished sync runs by mode',
    labelNames: ['mode'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly auditEntries = new Counter({
    name: 'roster_audit_entries_written_total',
    help: 'Audit entries written',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const cls of EventRegistry.all()) this.outboxDeadLettered.inc({ event: cls.eventName }, 0);
  }

  /** One database read per scrape, shared by the three outbox gauges; a failed read leaves them empty. */
  private readOutbox(): Promise<OutboxBacklog | undefined> {
    if (!this.outboxProbe) return Promise.resolve(undefined);
    this.probe ??= this.outboxProbe()
      .catch(() => undefined)
      .finally(() => setTimeout(() => (this.probe = undefined), 0));
    return this.probe;
  }
}
