/**
 * Issue #6 (audit): export throughput and memory at 1,000,000 entries. Seeds a valid hash chain
 * (computed in Node with the module's own chainHash, inserted in batches through unnest), starts
 * Roster from dist/ as a child process, downloads GET /admin/v1/audit-events/export as CSV and as
 * NDJSON over HTTP, and samples the child's VmRSS every 50 ms (plus VmHWM) from /proc.
 * Run alone: `npm run build && node -r ts-node/register/transpile-only test/bench/audit-bench.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Pool } from 'pg';
import { chainHash, GENESIS_HASH } from '../../src/modules/audit/domain/audit-chain';
import type { AuditRecord } from '../../src/modules/audit/domain/audit-entry';
import { fmt, line, verdict } from './bench-utils';
import { ADMIN_TOKEN, startRoster } from './roster-process';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const SEED_BATCH = 20_000;
const SEED_CONNECTIONS = 3;
const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_PEAK_RSS_MB = 200;

const ACTIONS = [
  ['scim_user.created', 'scim_user'],
  ['scim_user.updated', 'scim_user'],
  ['scim_user.deactivated', 'scim_user'],
  ['scim_group.members_changed', 'scim_group'],
  ['token.issued', 'scim_token'],
  ['tenant.updated', 'tenant'],
] as const;

/** A plausible entry: ~500 bytes in CSV, like a real SCIM mutation. */
function seedRecord(seq: number, tenants: string[], startMs: number): AuditRecord {
  const [action, targetType] = ACTIONS[seq % ACTIONS.length];
  const tenantId = tenants[seq % tenants.length];
  const targetId = randomUUID();
  const scim = action.startsWith('scim_');
  return {
    seq,
    id: randomUUID(),
    occurredAt: new Date(startMs + seq * 10).toISOString(),
    tenantId,
    actor: scim
      ? {
          type: 'scim',
          connectionId: `scim_conn_bench${String(seq % 100).padStart(19, '0')}`,
          tokenId: tenants[(seq + 1) % tenants.length],
        }
      : { type: 'admin' },
    action,
    target: { type: targetType, id: targetId },
    targetLabel: scim ? `ext-${seq}` : `Bench tenant ${seq % 100}`,
    subject: null,
    summary: `${targetType.replace('_', ' ')} ${targetId} ${action.split('.')[1]}: displayName, emails, "work" address`,
    details: scim
      ? { connectionId: 'scim_conn_bench', externalId: `ext-${seq}`, changedAttributes: ['displayName', 'emails'] }
      : { name: `Bench tenant ${seq % 100}` },
    correlationId: randomUUID(),
    sourceIp: `10.0.${(seq >> 8) & 255}.${seq & 255}`,
    eventId: randomUUID(),
  };
}

export async function seedAuditEntries(pool: Pool, rows: number): Promise<number> {
  const started = Date.now();
  const tenants = Array.from({ length: 100 }, () => randomUUID());
  const startMs = Date.now() - rows * 10;
  // Appended to whatever the earlier bench sections left in the trail, continuing its chain.
  const {
    rows: [head],
  } = await pool.query<{ seq: string; hash: Buffer }>(
    `(SELECT seq, hash FROM audit.audit_entry ORDER BY seq DESC LIMIT 1)
     UNION ALL (SELECT last_pruned_seq, last_pruned_hash FROM audit.chain_anchor)
     ORDER BY seq DESC LIMIT 1`,
  );
  const firstSeq = Number(head.seq) + 1;
  let prev: Buffer = head.hash ?? GENESIS_HASH;
  // The chain is computed in order here; the batches' INSERTs then run on several connections at once.
  const inFlight = new Set<Promise<unknown>>();
  const end = firstSeq + rows;
  for (let from = firstSeq; from < end; from += SEED_BATCH) {
    const cols: unknown[][] = Array.from({ length: 18 }, () => []);
    for (let seq = from; seq < Math.min(from + SEED_BATCH, end); seq++) {
      const r = seedRecord(seq, tenants, startMs);
      const hash = chainHash(prev, r);
      const values = [
        r.seq,
        r.id,
        r.occurredAt,
        r.tenantId,
        r.actor.type,
        r.actor.type === 'scim' ? r.actor.connectionId : null,
        r.actor.type === 'scim' ? r.actor.tokenId : null,
        r.action,
        r.target!.type,
        r.target!.id,
        r.targetLabel,
        r.summary,
        JSON.stringify(r.details),
        r.correlationId,
        r.sourceIp,
        r.eventId,
        `\\x${prev.toString('hex')}`,
        `\\x${hash.toString('hex')}`,
      ];
      values.forEach((v, k) => cols[k].push(v));
      prev = hash;
    }
    const insert = pool.query(
      `INSERT INTO audit.audit_entry (seq, id, occurred_at, tenant_id, actor_type, actor_connection_id, actor_token_id, action,
         target_type, target_id, target_label, summary, details, correlation_id, source_ip, event_id, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[], $16::uuid[], $17::bytea[], $18::bytea[])`,
      cols,
    );
    inFlight.add(insert);
    void insert.finally(() => inFlight.delete(insert)).catch(() => undefined);
    if (inFlight.size >= SEED_CONNECTIONS) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // A long-lived trail is vacuumed: visibility map set, hint bits written — as the exports will find it.
  await pool.query(`VACUUM (ANALYZE) audit.audit_entry`);
  return (Date.now() - started) / 1000;
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Downloads `path`, counting bytes and newlines without keeping the body; samples the child's RSS meanwhile. */
function download(
  base: URL,
  path: string,
  pid: number,
): Promise<{
  status: number;
  contentType: string;
  bytes: number;
  newlines: number;
  seconds: number;
  peakRssMb: number;
}> {
  return new Promise((resolve, reject) => {
    let peakKb = procStatusKb(pid, 'VmRSS');
    const sampler = setInterval(() => {
      peakKb = Math.max(peakKb, procStatusKb(pid, 'VmRSS'));
    }, 50);
    const started = process.hrtime.bigint();
    const req = http.get(
      { host: base.hostname, port: base.port, path, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        let bytes = 0;
        let newlines = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        });
        res.on('end', () => {
          clearInterval(sampler);
          peakKb = Math.max(peakKb, procStatusKb(pid, 'VmRSS'));
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            bytes,
            newlines,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            peakRssMb: peakKb / 1024,
          });
        });
        res.on('error', (err) => {
          clearInterval(sampler);
          reject(err);
        });
      },
    );
    req.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
  });
}

export async function auditSection(databaseUrl: string, out: string[]): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: SEED_CONNECTIONS });
  try {
    const seedSeconds = await seedAuditEntries(pool, ROWS);
    out.push(line('audit entries seeded (valid chain, Node sha256 + unnest)', `${ROWS} in ${fmt(seedSeconds)} s`));
  } finally {
    await pool.end();
  }
  const count = async () => {
    const p = new Pool({ connectionString: databaseUrl, max: 1 });
    try {
      return (await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit.audit_entry`)).rows[0].n;
    } finally {
      await p.end();
    }
  };
  // Started after seeding, so its VmHWM reflects the exports only.
  const roster = await startRoster(databaseUrl);
  try {
    const baseKb = procStatusKb(roster.pid, 'VmRSS');
    out.push(line('  Roster RSS before the exports', `${fmt(baseKb / 1024)} MB`));
    for (const format of ['csv', 'ndjson'] as const) {
      // The trail also holds what earlier sections did (and whatever the relay still delivers).
      const total = await count();
      const r = await download(roster.base, `/admin/v1/audit-events/export?format=${format}`, roster.pid);
      if (r.status !== 200) throw new Error(`export ${format}: HTTP ${r.status}`);
      const rows = format === 'csv' ? r.newlines - 1 : r.newlines;
      const perSecond = rows / r.seconds;
      out.push(
        line(
          `GET …/export?format=${format} (${total} entries)`,
          `${fmt(perSecond, 0)} rows/s, ${fmt(r.seconds)} s`,
          `≥${TARGET_ROWS_PER_SECOND / 1000}k rows/s`,
          verdict(rows >= total && perSecond >= TARGET_ROWS_PER_SECOND),
        ),
      );
      out.push(
        line(`  ${format}: rows, size, content type`, `${rows} rows, ${fmt(r.bytes / 1e6)} MB, ${r.contentType}`),
      );
      out.push(
        line(
          `  ${format}: peak RSS of Roster (VmRSS every 50 ms)`,
          `${fmt(r.peakRssMb)} MB`,
          `≤${TARGET_PEAK_RSS_MB} MB`,
          verdict(r.peakRssMb <= TARGET_PEAK_RSS_MB),
        ),
      );
    }
    const hwm = procStatusKb(roster.pid, 'VmHWM') / 1024;
    out.push(
      line(
        '  Roster VmHWM after both exports',
        `${fmt(hwm)} MB`,
        `≤${TARGET_PEAK_RSS_MB} MB`,
        verdict(hwm <= TARGET_PEAK_RSS_MB),
      ),
    );
    const total = await count();
    const started = Date.now();
    const v = await new Promise<string>((resolve, reject) => {
      http
        .get(
          {
            host: roster.base.hostname,
            port: roster.base.port,
            path: '/admin/v1/audit-events/verify',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve(body));
          },
        )
        .on('error', reject);
    });
    const seconds = (Date.now() - started) / 1000;
    const result = JSON.parse(v) as { ok: boolean; checked: number };
    out.push(
      line(
        `GET …/verify (${total} entries)`,
        `${fmt(result.checked / seconds, 0)} rows/s, ${fmt(seconds)} s`,
        'ok: true',
        verdict(result.ok && result.checked >= total),
      ),
    );
  } finally {
    await roster.stop();
  }
}

if (require.main === module) {
  (async () => {
    await import('reflect-metadata');
    const { createTestDatabase } = await import('../setup/test-database');
    const { runMigrations } = await import('../../src/bootstrap');
    const { validateEnv } = await import('../../src/config/env.schema');
    const db = await createTestDatabase();
    const out: string[] = [];
    try {
      await runMigrations(validateEnv({ DATABASE_URL: db.url }));
      out.push(line('measure', 'figure', 'target', 'verdict'), '--- audit');
      await auditSection(db.url, out);
    } finally {
      process.stdout.write(`\n${out.join('\n')}\n`);
      await db.dispose();
    }
  })().catch((err) => {
    process.stderr.write(`audit bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
