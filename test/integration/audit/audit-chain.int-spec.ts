import { randomUUID } from 'node:crypto';
import { AUDITED_EVENTS } from '../../../src/modules/audit/domain/audited-events';
import { RecordAuditEntryUseCase } from '../../../src/modules/audit/application/record-audit-entry.use-case';
import {
  auditHandlerKey,
  RecordAuditEntryListener,
} from '../../../src/modules/audit/application/record-audit-entry.listener';
import type { DomainEvent } from '../../../src/shared/domain/domain-event';
import { VerifyAuditChainUseCase } from '../../../src/modules/audit/application/verify-audit-chain.use-case';
import { PruneExpiredAuditEntriesJob } from '../../../src/modules/audit/jobs/prune-expired-audit-entries.job';
import { TenantCreatedEvent } from '../../../src/modules/tenancy/public';
import { AuditCreateAuditTrail1763900000500 } from '../../../src/database/migrations/1763900000500-audit-create-audit-trail';
import { AuditDropCsvCell1763900000700 } from '../../../src/database/migrations/1763900000700-audit-drop-csv-cell';
import { AuditAddActorKey1764000400100 } from '../../../src/database/migrations/1764000400100-audit-add-actor-key';
import { AuditAddSubject1764000900100 } from '../../../src/database/migrations/1764000900100-audit-add-subject';
import { AuditKeyedChain1764000900200 } from '../../../src/database/migrations/1764000900200-audit-keyed-chain';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { createIsolatedDatabase } from '../../utils/isolated-database';

/** The append path under concurrency, the job without retention, and the migration's down/up — on a database of its own. */
describe('Audit chain (integration)', () => {
  let db: { url: string; dispose(): Promise<void> };
  let t: TestApp;
  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({ DATABASE_URL: db.url, OUTBOX_RELAY_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
  });

  const spec = AUDITED_EVENTS.find((a) => a.event === TenantCreatedEvent)!;
  const event = (i: number) => {
    const tenantId = randomUUID();
    return new TenantCreatedEvent(
      { tenantId, name: `Tenant ${i}`, ssoDomains: [] },
      { tenantId, actor: { type: 'admin' }, correlationId: `req-${i}` },
    );
  };

  it('serialises concurrent appends into one gapless, verifiable chain and records a duplicate once', async () => {
    const record = t.app.get(RecordAuditEntryUseCase);
    const events = Array.from({ length: 40 }, (_, i) => event(i));
    const duplicate = events[7];
    await Promise.all([...events, duplicate, duplicate].map((e) => record.execute(e, spec)));
    const rows: Array<{ seq: string; event_id: string }> = await t.dataSource.query(
      `SELECT seq, event_id FROM audit.audit_entry ORDER BY seq`,
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(await t.app.get(VerifyAuditChainUseCase).execute({})).toEqual({ ok: true, checked: 40 });
  });

  it('keeps everything when AUDIT_RETENTION_DAYS is unset', async () => {
    expect(await t.app.get(PruneExpiredAuditEntriesJob).run(new Date('2999-01-01T00:00:00Z'))).toEqual({
      status: 'retention-off',
    });
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit.audit_entry`))[0].n).toBe(40);
  });

  it('records a relay batch in one go: chain order, no duplicates, per-event handlers skipped; a bad event fails the whole batch', async () => {
    const record = t.app.get(RecordAuditEntryUseCase);
    const key = (e: DomainEvent<object>) => auditHandlerKey(e.eventName);
    const events = Array.from({ length: 30 }, (_, i) => event(100 + i));
    // Five of them were already recorded one by one (e.g. by an earlier, partly failed delivery).
    for (const e of events.slice(10, 15)) await record.execute(e, spec);
    const before = (await t.dataSource.query(`SELECT max(seq)::int AS n FROM audit.audit_entry`))[0].n;
    expect(await record.executeBatch(events, key)).toBe(25);
    const rows: Array<{ seq: number; event_id: string }> = await t.dataSource.query(
      `SELECT seq::int, event_id FROM audit.audit_entry WHERE seq > $1 ORDER BY seq`,
      [before],
    );
    expect(rows.map((r) => r.event_id)).toEqual([...events.slice(0, 10), ...events.slice(15)].map((e) => e.eventId));
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => before + 1 + i));
    expect(await t.app.get(VerifyAuditChainUseCase).execute({})).toEqual({ ok: true, checked: before + 25 });
    // Redelivered: nothing new, by the batch or by the per-event handler.
    expect(await record.executeBatch(events, key)).toBe(0);
    const recorder = t.app.get<RecordAuditEntryListener, Record<string, (e: DomainEvent<object>) => Promise<void>>>(
      RecordAuditEntryListener,
    );
    for (const e of events) await recorder[`record:${e.eventName}`](e);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit.audit_entry WHERE seq > $1`, [before]))[0].n,
    ).toBe(25);
    // One event the trail cannot describe (an unknown actor): the batch writes nothing at all.
    const bad = new TenantCreatedEvent(
      { tenantId: randomUUID(), name: 'x', ssoDomains: [] },
      { tenantId: null, actor: { type: 'robot' } as never },
    );
    await expect(record.executeBatch([event(200), bad], key)).rejects.toThrow(/unknown actor type/);
    expect(
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit.audit_entry WHERE seq > $1`, [before]))[0].n,
    ).toBe(25);
  });

  it('frees the connection and stops the COPY when a client abandons an export midway', async () => {
    // 30,000 filler entries (not a valid chain: this suite's last test drops the schema anyway).
    await t.dataSource.query(
      `INSERT INTO audit.audit_entry (seq, id, occurred_at, actor_type, action, summary, prev_hash, hash)
       SELECT 1000 + i, gen_random_uuid(), date_trunc('milliseconds', now()), 'system', 'test.filler', repeat('x', 500), sha256(''::bytea), sha256(''::bytea)
         FROM generate_series(1, 30000) AS i`,
    );
    const copies = async () =>
      Number(
        (
          await t.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT%' AND pid <> pg_backend_pid()`,
          )
        )[0].n,
      );
    const controller = new AbortController();
    const res = await fetch(`${t.baseUrl}/admin/v1/audit-events/export?format=csv`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    controller.abort();
    await expectEventually(async () => expect(await copies()).toBe(0), 10000, 50);
    // The pool is whole: a complete export still works.
    const full = await t.admin.get('/admin/v1/audit-events/export?format=csv');
    const stored = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit.audit_entry`))[0].n;
    expect(full.text.split('\r\n').length - 2).toBe(stored);
  });

  it('has a working down and up (every audit migration, in order)', async () => {
    const migrations = [
      new AuditCreateAuditTrail1763900000500(),
      new AuditDropCsvCell1763900000700(),
      new AuditAddActorKey1764000400100(),
      new AuditAddSubject1764000900100(),
      new AuditKeyedChain1764000900200(),
    ];
    const runner = t.dataSource.createQueryRunner();
    const csvCell = async () =>
      (await runner.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'csv_cell'`))[0].n;
    try {
      for (const m of [...migrations].reverse()) await m.down(runner);
      expect((await runner.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'audit'`))[0].n).toBe(0);
      await migrations[0].up(runner);
      expect(await csvCell()).toBe(1);
      await migrations[1].up(runner);
      expect(await csvCell()).toBe(0);
      await migrations[2].up(runner);
      await migrations[3].up(runner);
      await migrations[4].up(runner);
      const triggers = await runner.query(
        `SELECT tgname FROM pg_trigger WHERE tgrelid IN ('audit.audit_entry'::regclass, 'audit.chain_anchor'::regclass) AND NOT tgisinternal ORDER BY tgname`,
      );
      expect(triggers.map((r: { tgname: string }) => r.tgname)).toEqual([
        'audit_entry__append_only',
        'audit_entry__no_truncate',
        'chain_anchor__guarded',
        'chain_anchor__no_truncate',
      ]);
    } finally {
      await runner.release();
    }
    await t.app.get(RecordAuditEntryUseCase).execute(event(100), spec);
    expect(await t.app.get(VerifyAuditChainUseCase).execute({})).toEqual({ ok: true, checked: 1 });
  });
});
