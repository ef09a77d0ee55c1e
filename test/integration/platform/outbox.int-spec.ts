import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { DomainEvent } from '../../../src/shared/domain/domain-event';
import { TransactionHost } from '../../../src/shared/database/transaction-host';
import { EventBus } from '../../../src/shared/events/event-bus';
import { EventRegistry } from '../../../src/shared/events/event-registry';
import { OnDomainEvent } from '../../../src/shared/events/on-domain-event.decorator';
import { IdempotentHandlers } from '../../../src/shared/events/idempotent-handler';
import { OnOutboxBatch, type OutboxBatch } from '../../../src/shared/events/outbox-batch';
import { TenantCreatedEvent } from '../../../src/modules/tenancy/public';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { spawnCrashChild } from '../../utils/crash-child';
import { expectEventually } from '../../utils/expect-eventually';
import { createIsolatedDatabase } from '../../utils/isolated-database';
import { deliveredOutboxRows, redeliverOutboxRows } from '../../utils/outbox-history';
import { Client } from 'pg';

class ProbePingedEvent extends DomainEvent<{ label: string }> {
  static override readonly eventName = 'test.probe.pinged';
}
EventRegistry.register(ProbePingedEvent);

/** Records deliveries; fails the first `failures[label]` times for a label; writes a row per success. */
@Injectable()
class ProbeListener {
  static failures: Record<string, number> = {};
  static calls: Record<string, number> = {};
  static callTimes: Record<string, number[]> = {};
  /** A label's handler waits for its gate (the relay holds its claim meanwhile). */
  static gates: Record<string, Promise<void>> = {};
  constructor(private readonly tx: TransactionHost) {}

  @OnDomainEvent(ProbePingedEvent)
  async onPing(event: ProbePingedEvent): Promise<void> {
    const label = event.payload.label;
    ProbeListener.calls[label] = (ProbeListener.calls[label] ?? 0) + 1;
    (ProbeListener.callTimes[label] ??= []).push(Date.now());
    await ProbeListener.gates[label];
    await this.tx.manager.query(`INSERT INTO probe_effect (label, event_id) VALUES ($1, $2)`, [label, event.eventId]);
    if ((ProbeListener.failures[label] ?? 0) > 0) {
      ProbeListener.failures[label]--;
      throw new Error(`probe failure for ${label}`);
    }
  }
}

/** A second, always-succeeding handler of the same event: proves per-handler idempotency. */
@Injectable()
class SecondProbeListener {
  static calls: Record<string, number> = {};
  @OnDomainEvent(ProbePingedEvent)
  onPing(event: ProbePingedEvent): Promise<void> {
    SecondProbeListener.calls[event.payload.label] = (SecondProbeListener.calls[event.payload.label] ?? 0) + 1;
    return Promise.resolve();
  }
}

@Injectable()
class TenantCreatedCounter {
  static seen: Record<string, number> = {};
  @OnDomainEvent(TenantCreatedEvent)
  onTenantCreated(event: TenantCreatedEvent): Promise<void> {
    TenantCreatedCounter.seen[event.payload.tenantId] = (TenantCreatedCounter.seen[event.payload.tenantId] ?? 0) + 1;
    return Promise.resolve();
  }
}

class UrgentProbeEvent extends DomainEvent<{ label: string }> {
  static override readonly eventName = 'test.probe.urgent';
  static override readonly priority = 1;
}
EventRegistry.register(UrgentProbeEvent);

@Injectable()
class UrgentProbeListener {
  static deliveredAt: number | undefined;
  @OnDomainEvent(UrgentProbeEvent)
  onUrgent(): Promise<void> {
    UrgentProbeListener.deliveredAt = Date.now();
    return Promise.resolve();
  }
}

/**
 * A handler that can take a relay batch at once (labels `batch-…`): claims the events for its
 * per-event handler and writes their effects in one transaction; `fail` makes the batch throw after
 * writing, to prove the per-event path takes over and nothing of the failed batch remains.
 */
@Injectable()
class BatchProbeListener {
  static fail = false;
  static batchEvents: Record<string, number> = {};
  static perEvent: Record<string, number> = {};
  constructor(private readonly tx: TransactionHost) {}

  @OnOutboxBatch()
  async onBatch(events: OutboxBatch): Promise<void> {
    const mine = events.filter(
      (e): e is ProbePingedEvent => e instanceof ProbePingedEvent && e.payload.label.startsWith('batch-'),
    );
    await this.tx.run(async () => {
      const fresh = await IdempotentHandlers.claimBatch(() => 'BatchProbeListener.onPing', mine);
      for (const e of fresh) {
        BatchProbeListener.batchEvents[e.payload.label] = (BatchProbeListener.batchEvents[e.payload.label] ?? 0) + 1;
        await this.tx.manager.query(`INSERT INTO probe_effect (label, event_id) VALUES ($1, $2)`, [
          `b:${e.payload.label}`,
          e.eventId,
        ]);
      }
      if (BatchProbeListener.fail && fresh.length > 0) throw new Error('batch probe failure');
    });
  }

  @OnDomainEvent(ProbePingedEvent)
  async onPing(event: ProbePingedEvent): Promise<void> {
    if (!event.payload.label.startsWith('batch-')) return;
    BatchProbeListener.perEvent[event.payload.label] = (BatchProbeListener.perEvent[event.payload.label] ?? 0) + 1;
    await this.tx.manager.query(`INSERT INTO probe_effect (label, event_id) VALUES ($1, $2)`, [
      `b:${event.payload.label}`,
      event.eventId,
    ]);
  }
}

@Module({
  providers: [ProbeListener, SecondProbeListener, TenantCreatedCounter, UrgentProbeListener, BatchProbeListener],
})
class ProbeModule {}

describe('Transactional outbox', () => {
  let db: { url: string; dispose(): Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({ DATABASE_URL: db.url, OUTBOX_MAX_ATTEMPTS: '3' }, [ProbeModule]);
    await t.dataSource.query(`CREATE TABLE probe_effect (label text NOT NULL, event_id uuid NOT NULL)`);
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
  });

  const publish = (label: string) =>
    t.app
      .get(TransactionHost)
      .run(() => t.app.get(EventBus).publish(new ProbePingedEvent({ label }, { tenantId: null })));
  const outboxRow = async (label: string) =>
    (await t.dataSource.query(`SELECT * FROM platform.outbox_message WHERE payload->>'label' = $1`, [label]))[0];
  /** The row as delivered (deleted from the outbox by the relay), or undefined while it is not. */
  const delivered = async (label: string) =>
    (await outboxRow(label))
      ? undefined
      : (await deliveredOutboxRows(t.dataSource, `payload->>'label' = $1`, [label]))[0];
  const redeliver = (labelPattern: string) =>
    redeliverOutboxRows(t.dataSource, `payload->>'label' LIKE $1`, [labelPattern]);
  const effects = async (label: string) =>
    Number((await t.dataSource.query(`SELECT count(*) AS n FROM probe_effect WHERE label = $1`, [label]))[0].n);

  it('delivers a committed event to every handler within milliseconds of the commit', async () => {
    const started = Date.now();
    await publish('fast');
    await expectEventually(async () => expect(await delivered('fast')).toBeDefined(), 2000, 5);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ProbeListener.calls.fast).toBe(1);
    expect(SecondProbeListener.calls.fast).toBe(1);
    expect(await effects('fast')).toBe(1);
  });

  it('writes nothing when the publishing transaction rolls back', async () => {
    await expect(
      t.app.get(TransactionHost).run(async () => {
        await t.app.get(EventBus).publish(new ProbePingedEvent({ label: 'rolled-back' }, { tenantId: null }));
        throw new Error('use case failed after publishing');
      }),
    ).rejects.toThrow('use case failed');
    await t.drainOutbox();
    expect(await outboxRow('rolled-back')).toBeUndefined();
    expect(ProbeListener.calls['rolled-back']).toBeUndefined();
  });

  it('refuses to publish outside a transaction', async () => {
    await expect(
      t.app.get(EventBus).publish(new ProbePingedEvent({ label: 'no-tx' }, { tenantId: null })),
    ).rejects.toThrow(/inside/);
  });

  it('retries a failing handler with backoff and runs the succeeding one exactly once', async () => {
    ProbeListener.failures.flaky = 1;
    await publish('flaky');
    await expectEventually(async () => expect(await delivered('flaky')).toBeDefined(), 10000);
    // `attempts` counts failed deliveries: one, then the retry succeeded.
    expect((await delivered('flaky'))!.attempts).toBe(1);
    expect(ProbeListener.calls.flaky).toBe(2);
    // Backoff: the retry came about a second after the failure, not at once.
    const [first, second] = ProbeListener.callTimes.flaky;
    expect(second - first).toBeGreaterThanOrEqual(900);
    // The failed attempt's effect rolled back with it: one effect row, from the successful retry.
    expect(await effects('flaky')).toBe(1);
    // The handler that succeeded on the first attempt was skipped on the retry.
    expect(SecondProbeListener.calls.flaky).toBe(1);
  });

  it('dead-letters an event after OUTBOX_MAX_ATTEMPTS', async () => {
    ProbeListener.failures.doomed = 100;
    await publish('doomed');
    // Backoff 1 s then 2 s: three attempts take ~3 s.
    await expectEventually(async () => expect((await outboxRow('doomed')).status).toBe('dead'), 10000, 100);
    const row = await outboxRow('doomed');
    expect(row.attempts).toBe(3);
    expect(ProbeListener.calls.doomed).toBe(3);
    expect(await effects('doomed')).toBe(0);
  });

  const publishMany = (labels: string[]) =>
    t.app.get(TransactionHost).run(async () => {
      for (const label of labels)
        await t.app.get(EventBus).publish(new ProbePingedEvent({ label }, { tenantId: null }));
    });
  const batchEffects = async (prefix: string) =>
    Number(
      (await t.dataSource.query(`SELECT count(*) AS n FROM probe_effect WHERE label LIKE $1`, [`b:${prefix}%`]))[0].n,
    );

  it('lets a batch handler do a whole batch at once; the per-event delivery then skips those events', async () => {
    const labels = Array.from({ length: 10 }, (_, i) => `batch-ok-${i}`);
    await publishMany(labels);
    await t.drainOutbox();
    for (const l of labels) {
      expect(BatchProbeListener.batchEvents[l]).toBe(1);
      expect(BatchProbeListener.perEvent[l]).toBeUndefined();
      expect(await delivered(l)).toBeDefined();
      // Other handlers of the same events still ran, once.
      expect(ProbeListener.calls[l]).toBe(1);
    }
    expect(await batchEffects('batch-ok-')).toBe(10);
    // Redelivered: neither the batch nor the per-event handler works again.
    expect(await redeliver('batch-ok-%')).toBe(10);
    await t.drainOutbox();
    for (const l of labels)
      expect([BatchProbeListener.batchEvents[l], BatchProbeListener.perEvent[l]]).toEqual([1, undefined]);
    expect(await batchEffects('batch-ok-')).toBe(10);
  });

  it('falls back to per-event delivery when the batch handler fails, keeping nothing of the failed batch', async () => {
    BatchProbeListener.fail = true;
    try {
      const labels = Array.from({ length: 10 }, (_, i) => `batch-fail-${i}`);
      await publishMany(labels);
      await t.drainOutbox();
      for (const l of labels) {
        expect(BatchProbeListener.perEvent[l]).toBe(1);
        expect((await delivered(l))?.attempts).toBe(0);
      }
      expect(await batchEffects('batch-fail-')).toBe(10);
    } finally {
      BatchProbeListener.fail = false;
    }
  });

  it('does not run a handler twice when an event is redelivered', async () => {
    await publish('again');
    await expectEventually(async () => expect(await delivered('again')).toBeDefined());
    expect(await redeliver('again')).toBe(1);
    await t.drainOutbox();
    expect(await delivered('again')).toBeDefined();
    expect(ProbeListener.calls.again).toBe(1);
    expect(SecondProbeListener.calls.again).toBe(1);
    expect(await effects('again')).toBe(1);
  });

  it('skips rows another relay holds, and delivers them at once when that relay dies mid-delivery', async () => {
    // Another replica's relay: it claimed the row (locked it in its transaction) and is delivering.
    const other = new Client({ connectionString: db.url });
    await other.connect();
    other.on('error', () => undefined);
    try {
      // Our own relay wakes 20 ms after the commit; the other one usually claims the fresh row first. Retry until it has.
      let label = '';
      for (let i = 0; i < 20 && !label; i++) {
        await t.app
          .get(TransactionHost)
          .run(() => t.app.get(EventBus).publish(new ProbePingedEvent({ label: `orphan-${i}` }, { tenantId: null })));
        await other.query('BEGIN');
        const claimed = await other.query(
          `SELECT id FROM platform.outbox_message WHERE payload->>'label' = $1 FOR UPDATE SKIP LOCKED`,
          [`orphan-${i}`],
        );
        if (claimed.rowCount === 1) label = `orphan-${i}`;
        else await other.query('ROLLBACK');
      }
      expect(label).not.toBe('');
      await t.drainOutbox();
      expect(ProbeListener.calls[label]).toBeUndefined();
      expect(await outboxRow(label)).toBeDefined();
      // The other relay dies: its backend goes, its transaction aborts, its locks go with it.
      const [{ pid }] = (await other.query('SELECT pg_backend_pid() AS pid')).rows;
      await t.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
      const started = Date.now();
      await expectEventually(async () => expect(await delivered(label)).toBeDefined(), 3000, 20);
      // No lease to wait out: the next pass (the 1 s poll at the latest) delivers it.
      expect(Date.now() - started).toBeLessThan(2500);
      expect(ProbeListener.calls[label]).toBe(1);
      expect((await delivered(label))!.attempts).toBe(0);
    } finally {
      await other.end().catch(() => undefined);
    }
  });

  it("survives losing its own claim connection mid-delivery (no unhandled 'error' event), and delivers on a later pass", async () => {
    // node-pg emits 'error' on a checked-out client whose socket dies while no query runs on it;
    // without a listener that is an uncaught exception — the whole process down on a database restart.
    let open!: () => void;
    ProbeListener.gates['conn-lost'] = new Promise<void>((r) => (open = r));
    await publish('conn-lost');
    await expectEventually(() => expect(ProbeListener.calls['conn-lost']).toBe(1), 3000, 5);
    // The normal lane now sits idle in its claim transaction while the handler waits: kill that backend.
    const killed: Array<{ pid: number }> = await t.dataSource.query(
      `SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle in transaction' AND query ILIKE '%outbox_message%priority = 0%SKIP LOCKED%'`,
    );
    expect(killed).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200)); // the socket's end reaches the client
    open();
    await expectEventually(async () => expect(await delivered('conn-lost')).toBeDefined(), 5000, 20);
    // The handler committed the first time (its own connection); the redelivery skipped it.
    expect(await effects('conn-lost')).toBe(1);
    // And the relay goes on delivering.
    await publish('after-conn-lost');
    await expectEventually(async () => expect(await delivered('after-conn-lost')).toBeDefined(), 3000, 10);
  });

  it('delivers urgent events ahead of a backlog of ordinary ones', async () => {
    const tx = t.app.get(TransactionHost);
    const bus = t.app.get(EventBus);
    // A backlog of 600 ordinary events whose handler is held (the ordinary lane keeps its claim and
    // waits), then one urgent event: it must be delivered while not one backlog event is — by
    // causality, not by racing the backlog's drain against the clock.
    ProbeListener.failures.backlog = 0;
    let release!: () => void;
    ProbeListener.gates.backlog = new Promise<void>((resolve) => (release = resolve));
    const backlogDone = async () => (await deliveredOutboxRows(t.dataSource, `payload->>'label' = 'backlog'`)).length;
    try {
      await tx.run(() =>
        bus.publish(
          ...Array.from({ length: 600 }, () => new ProbePingedEvent({ label: 'backlog' }, { tenantId: null })),
        ),
      );
      await expectEventually(() => expect(ProbeListener.calls.backlog ?? 0).toBeGreaterThan(0), 10_000, 5);
      await tx.run(() => bus.publish(new UrgentProbeEvent({ label: 'urgent' }, { tenantId: null })));
      await expectEventually(() => expect(UrgentProbeListener.deliveredAt).toBeDefined(), 10_000, 5);
      expect(await backlogDone()).toBe(0);
    } finally {
      release();
      delete ProbeListener.gates.backlog;
    }
    await expectEventually(async () => expect(await backlogDone()).toBe(600), 30000, 50);
  }, 60000);

  it('delivers an event exactly once per handler after the process is killed between commit and relay', async () => {
    const child = spawnCrashChild(join(__dirname, 'outbox-crash-child.ts'), { CHILD_DATABASE_URL: db.url });
    const [, tenantId] = await child.waitFor(/TENANT ([0-9a-f-]{36})/);
    await child.kill();

    // The child committed the tenant and its event but never relayed it; our relay picks it up.
    await expectEventually(() => expect(TenantCreatedCounter.seen[tenantId]).toBe(1), 5000);
    await expectEventually(async () => {
      const rows = await deliveredOutboxRows(t.dataSource, `payload->>'tenantId' = $1`, [tenantId]);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([['pending', 0]]);
    }, 5000);
    expect(await redeliverOutboxRows(t.dataSource, `payload->>'tenantId' = $1`, [tenantId])).toBe(1);
    await t.drainOutbox();
    expect(TenantCreatedCounter.seen[tenantId]).toBe(1);
  }, 60000);
});
