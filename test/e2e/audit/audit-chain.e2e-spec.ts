import { keyedChainHash } from '../../../src/modules/audit/domain/audit-chain';
import { AuditChainKeys } from '../../../src/modules/audit/domain/audit-chain-keys';
import { TransactionHost } from '../../../src/shared/database/transaction-host';
import { EventBus } from '../../../src/shared/events/event-bus';
import { PruneExpiredAuditEntriesUseCase } from '../../../src/modules/audit/application/prune-expired-audit-entries.use-case';
import { PruneExpiredAuditEntriesJob } from '../../../src/modules/audit/jobs/prune-expired-audit-entries.job';
import { TenantCreatedEvent } from '../../../src/modules/tenancy/public';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, TEST_AUDIT_CHAIN_KEY, type TestApp } from '../../utils/create-test-app';
import { createIsolatedDatabase } from '../../utils/isolated-database';

/**
 * The chain needs a database of its own: verification covers every entry, and tampering or pruning
 * must not touch other suites' trails. Tampering uses the superuser's ALTER TABLE … DISABLE TRIGGER,
 * exactly what an attacker with the owner role could do; the hash chain is what catches it.
 */
interface Row {
  seq: string;
  id: string;
  occurred_at: Date;
  summary: string;
  hash: Buffer;
}

const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

describe('Audit chain: verification, append-only table, retention', () => {
  let db: { url: string; dispose(): Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({ DATABASE_URL: db.url, AUDIT_RETENTION_DAYS: String(RETENTION_DAYS) });
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
  });

  const verify = async (query = '') => {
    const res = await t.admin.get(`/admin/v1/audit-events/verify${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const rows = (): Promise<Row[]> =>
    t.dataSource.query(`SELECT seq, id, occurred_at, summary, hash FROM audit.audit_entry ORDER BY seq`);
  /** Delivers everything (this database has one relay: ours) and returns the trail. */
  const settled = async (): Promise<Row[]> => {
    await t.drainOutbox();
    return rows();
  };
  /** What an attacker with the owner role can do: switch the guard off, change rows, switch it on. */
  const tamper = async (sql: string, params: unknown[] = []) => {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`ALTER TABLE audit.audit_entry DISABLE TRIGGER audit_entry__append_only`);
      await runner.query(sql, params);
      await runner.query(`ALTER TABLE audit.audit_entry ENABLE TRIGGER audit_entry__append_only`);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };
  const copyOf = async (seq: string) =>
    (await t.dataSource.query(`SELECT * FROM audit.audit_entry WHERE seq = $1`, [seq]))[0] as Record<string, unknown>;
  const reinsert = async (row: Record<string, unknown>) => {
    const cols = Object.keys(row);
    await t.dataSource.query(
      `INSERT INTO audit.audit_entry (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      cols.map((c) => (c === 'details' ? JSON.stringify(row[c]) : row[c])),
    );
  };

  it('verifies an intact chain from the genesis', async () => {
    await createTenantWithConnection(t.admin);
    await createTenantWithConnection(t.admin);
    const trail = await settled();
    expect(trail.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and any change of the anchor, even from the application role', async () => {
    await expect(t.dataSource.query(`UPDATE audit.audit_entry SET summary = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query(`DELETE FROM audit.audit_entry WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE audit.audit_entry`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`UPDATE audit.chain_anchor SET last_pruned_seq = 3`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query(`DELETE FROM audit.chain_anchor`)).rejects.toThrow(/append-only/);
    // The pruning horizon is only honoured for a prefix, and only inside audit.prune_entries.
    await expect(t.dataSource.query(`SELECT audit.prune_entries(999)`)).rejects.toThrow(/does not exist/);
    expect((await rows()).length).toBe(6);
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('finds a tampered entry and names it', async () => {
    const [, , third] = await rows();
    await tamper(`UPDATE audit.audit_entry SET summary = 'nothing to see here' WHERE seq = $1`, [third.seq]);
    const broken = await verify();
    expect(broken).toEqual({
      ok: false,
      checked: 2,
      firstBrokenId: third.id,
      reason: expect.stringMatching(/altered/),
    });
    await tamper(`UPDATE audit.audit_entry SET summary = $2 WHERE seq = $1`, [third.seq, third.summary]);
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('finds a tampered entry whose hash was recomputed at the next link', async () => {
    const [, second, third] = await rows();
    // A correctly recomputed hash for the altered entry (the forger even holds the chain key): the
    // entry itself checks out, and the chain breaks where the next entry points back to it.
    const { hmacKey } = AuditChainKeys.fromSecret(TEST_AUDIT_CHAIN_KEY);
    const item = (await t.admin.get('/admin/v1/audit-events?limit=2')).body.items[1];
    expect(item.id).toBe(second.id);
    const forged = keyedChainHash(hmacKey, Buffer.from(item.prevHash, 'hex'), {
      seq: item.sequence,
      id: item.id,
      occurredAt: item.occurredAt,
      tenantId: item.tenantId,
      actor: item.actor,
      action: item.action,
      target: item.target,
      targetLabel: item.targetLabel,
      subject: null,
      summary: 'forged',
      details: item.details,
      correlationId: item.correlationId,
      sourceIp: item.sourceIp,
      eventId: item.eventId,
    });
    expect(
      keyedChainHash(hmacKey, Buffer.from(item.prevHash, 'hex'), { ...item, seq: item.sequence }).toString('hex'),
    ).toBe(item.hash);
    await tamper(`UPDATE audit.audit_entry SET summary = 'forged', hash = $2 WHERE seq = $1`, [second.seq, forged]);
    expect(await verify()).toEqual({
      ok: false,
      checked: 2,
      firstBrokenId: third.id,
      reason: expect.stringMatching(/prev_hash/),
    });
    await tamper(`UPDATE audit.audit_entry SET summary = $2, hash = $3 WHERE seq = $1`, [
      second.seq,
      second.summary,
      second.hash,
    ]);
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('finds an entry deleted from the middle', async () => {
    const trail = await rows();
    const removed = await copyOf(trail[3].seq);
    await tamper(`DELETE FROM audit.audit_entry WHERE seq = $1`, [trail[3].seq]);
    expect(await verify()).toEqual({
      ok: false,
      checked: 3,
      firstBrokenId: trail[4].id,
      reason: expect.stringMatching(/entries 4\.\.4 are missing/),
    });
    await reinsert(removed); // INSERT is allowed: appending is what the table is for
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('finds the oldest entry deleted other than by retention', async () => {
    const trail = await rows();
    const removed = await copyOf(trail[0].seq);
    await tamper(`DELETE FROM audit.audit_entry WHERE seq = $1`, [trail[0].seq]);
    expect(await verify()).toEqual({
      ok: false,
      checked: 0,
      firstBrokenId: trail[1].id,
      reason: expect.stringMatching(/missing/),
    });
    await reinsert(removed);
    expect(await verify()).toEqual({ ok: true, checked: 6 });
  });

  it('verifies a time window, starting from the entry before it', async () => {
    const trail = await rows();
    const from = trail[2].occurred_at.toISOString();
    const to = trail[5].occurred_at.toISOString();
    const [span] = await t.dataSource.query(
      `SELECT (SELECT min(seq) FROM audit.audit_entry WHERE occurred_at >= $1) AS first, (SELECT max(seq) FROM audit.audit_entry WHERE occurred_at < $2) AS last`,
      [from, to],
    );
    expect(await verify(`?from=${from}&to=${to}`)).toEqual({
      ok: true,
      checked: Number(span.last) - Number(span.first) + 1,
    });
    // Damage outside the window does not fail it; the full walk still finds it.
    await tamper(`UPDATE audit.audit_entry SET summary = 'x' WHERE seq = 1`);
    expect(await verify(`?from=${from}`)).toEqual({ ok: true, checked: 6 - Number(span.first) + 1 });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: trail[0].id });
    await tamper(`UPDATE audit.audit_entry SET summary = $1 WHERE seq = 1`, [trail[0].summary]);
    expect(await verify('?to=2000-01-01')).toEqual({ ok: true, checked: 0 });
  });

  it('skips the scheduled prune when CRON_ENABLED=false', async () => {
    await t.app.get(PruneExpiredAuditEntriesJob).onSchedule();
    expect((await rows()).length).toBe(6);
  });

  it('prunes entries past retention through the job, keeps the chain verifiable, and records the prune (actor system)', async () => {
    const old = await rows();
    const boundary = new Date(old[old.length - 1].occurred_at.getTime() + 1);
    await new Promise((r) => setTimeout(r, 5));
    const kept = await createTenantWithConnection(t.admin);
    await settled();

    const result = await t.app
      .get(PruneExpiredAuditEntriesJob)
      .run(new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS));
    expect(result).toEqual({ status: 'done', cutoff: boundary.toISOString(), pruned: 6 });
    const trail = await settled();
    expect(trail.map((r) => Number(r.seq))).toEqual([7, 8, 9, 10]);
    const [anchor] = await t.dataSource.query(
      `SELECT last_pruned_seq, last_pruned_hash, pruned_count FROM audit.chain_anchor`,
    );
    expect(anchor).toMatchObject({ last_pruned_seq: '6', pruned_count: '6' });
    expect(anchor.last_pruned_hash).toEqual(old[5].hash);

    const items = (await t.admin.get('/admin/v1/audit-events')).body.items;
    expect(items.filter((e: { tenantId: string }) => e.tenantId === kept.tenantId)).toHaveLength(3);
    const prune = items.find((e: { action: string }) => e.action === 'audit_trail.pruned');
    expect(prune).toMatchObject({
      sequence: 10,
      actor: { type: 'system' },
      tenantId: null,
      target: null,
      details: {
        fromSeq: 1,
        toSeq: 6,
        count: 6,
        cutoff: boundary.toISOString(),
        anchorHash: old[5].hash.toString('hex'),
      },
    });
    expect(prune.summary).toBe(`Retention pruned 6 audit entries (sequence 1..6) older than ${boundary.toISOString()}`);
    expect(await verify()).toEqual({ ok: true, checked: 4 });

    // The system entry reaches the exports like any other.
    const csv = (await t.admin.get('/admin/v1/audit-events/export?format=csv')).text;
    expect(csv).toMatch(/\r\n10,[0-9a-f-]{36},[^,]+,,system,,,audit_trail\.pruned,,,,/);
    // Retention does not open the table: direct deletes are still refused.
    await expect(t.dataSource.query(`DELETE FROM audit.audit_entry WHERE seq = 7`)).rejects.toThrow(/append-only/);
    // Nothing older than the cutoff is left: a second run prunes nothing.
    expect(
      await t.app.get(PruneExpiredAuditEntriesJob).run(new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS)),
    ).toMatchObject({ pruned: 0 });
  });

  it('prunes in chain order and batches, stopping at the first entry within retention', async () => {
    // A late delivery: an event that occurred long ago lands after recent entries.
    const tx = t.app.get(TransactionHost);
    await tx.run(() =>
      t.app
        .get(EventBus)
        .publish(
          new TenantCreatedEvent(
            { tenantId: '00000000-0000-4000-8000-000000000001', name: 'Late', ssoDomains: [] },
            { tenantId: null, occurredAt: '2001-01-01T00:00:00.000Z' },
          ),
        ),
    );
    const before = await settled();
    const late = before[before.length - 1];
    expect(late.occurred_at.toISOString()).toBe('2001-01-01T00:00:00.000Z');
    const cutoff = new Date(before[2].occurred_at.getTime() + 1); // entries 7, 8, 9 are older
    const { pruned } = await t.app.get(PruneExpiredAuditEntriesUseCase).execute(cutoff, 2);
    expect(pruned).toBe(3);
    const after = await settled();
    // 10 (the first kept, within retention) stops the prune: the late 2001 entry after it is kept.
    expect(after.map((r) => Number(r.seq))).toEqual([10, 11, 12, 13]);
    const prunes = (await t.admin.get('/admin/v1/audit-events?action=audit_trail.pruned')).body.items;
    expect(
      prunes.map((p: { details: { fromSeq: number; toSeq: number } }) => [p.details.fromSeq, p.details.toSeq]),
    ).toEqual([
      [1, 6],
      [7, 8],
      [9, 9],
    ]);
    expect(await verify()).toEqual({ ok: true, checked: 4 });
  });
});
