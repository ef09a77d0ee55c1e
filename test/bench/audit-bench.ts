/**
 * Issues #6 and #18 (audit): export throughput and memory at 1,000,000 entries, and the first page
 * of `?subject=`. Seeds a valid keyed chain (v3: computed in Node with the module's own
 * keyedChainHash under the bench's AUDIT_CHAIN_KEY, inserted in batches through unnest), starts
 * Roster from dist/ as a child process, times GET /admin/v1/audit-events?subject= (an ordinary
 * person, by email and by userName, and one with thousands of entries), downloads GET
 * /admin/v1/audit-events/export as CSV and as NDJSON over HTTP, and samples the child's VmRSS every
 * 50 ms (plus VmHWM) from /proc.
 * Run alone: `npm run build && node -r ts-node/register/transpile-only test/bench/audit-bench.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Pool } from 'pg';
import { GENESIS_HASH, keyedChainHash } from '../../src/modules/audit/domain/audit-chain';
import { AuditChainKeys } from '../../src/modules/audit/domain/audit-chain-keys';
import type { AuditRecord } from '../../src/modules/audit/domain/audit-entry';
import { fmt, line, request, verdict } from './bench-utils';
import { ADMIN_TOKEN, AUDIT_CHAIN_KEY, startRoster } from './roster-process';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const SEED_BATCH = 20_000;
const SEED_CONNECTIONS = 3;
const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_PEAK_RSS_MB = 200;
const TARGET_SUBJECT_FIRST_PAGE_MS = 50;
/** Seeded SCIM user entries name one of this many people; about one in 200 entries names BUSY_PERSON. */
const PEOPLE = 40_000;
const BUSY_PERSON = 'busy';
const email = (person: string | number) => `person${person}@bench.example`;
const userName = (person: string | number) => `p${person}.user`;

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
  const person = seq % 97 === 0 ? BUSY_PERSON : seq % PEOPLE;
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
    subject: targetType === 'scim_user' ? { userName: userName(person), email: email(person) } : null,
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
  const { hmacKey } = AuditChainKeys.fromSecret(AUDIT_CHAIN_KEY);
  // The chain is computed in order here; the batches' INSERTs then run on several connections at once.
  const inFlight = new Set<Promise<unknown>>();
  const end = firstSeq + rows;
  for (let from = firstSeq; from < end; from += SEED_BATCH) {
    const cols: unknown[][] = Array.from({ length: 21 }, () => []);
    for (let seq = from; seq < Math.min(from + SEED_BATCH, end); seq++) {
      const r = seedRecord(seq, tenants, startMs);
      const hash = keyedChainHash(hmacKey, prev, r);
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
        r.subject?.userName ?? null,
        r.subject?.email ?? null,
        r.subject?.accountId ?? null,
      ];
      values.forEach((v, k) => cols[k].push(v));
      prev = hash;
    }
    const insert = pool.query(
      `INSERT INTO audit.audit_entry (seq, id, occurred_at, tenant_id, actor_type, actor_connection_id, actor_token_id, action,
         target_type, target_id, target_label, summary, details, correlation_id, source_ip, event_id, prev_hash, hash,
         subject_user_name, subject_email, subject_account_id, hash_version)
       SELECT u.*, 3 FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[], $16::uuid[], $17::bytea[], $18::bytea[],
         $19::text[], $20::text[], $21::text[]) u`,
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

/**
 * `?subject=` first pages over HTTP (default limit 100, newest first): the median and the slowest of
 * 30 calls after 5 warm-up calls, for a person with a dozen entries (by email; by userName in upper
 * case) and for one with thousands ("busy").
 */
async function subjectSearch(base: URL, total: number, out: string[]): Promise<void> {
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const cases: Array<[string, string]> = [
    ['email', email(1234)],
    ['USERNAME', userName(1234).toUpperCase()],
    ['busy email', email(BUSY_PERSON)],
  ];
  for (const [what, subject] of cases) {
    const path = `/admin/v1/audit-events?subject=${encodeURIComponent(subject)}`;
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < 35; i++) {
      const started = process.hrtime.bigint();
      const res = await request(base, 'GET', path, auth);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 200) throw new Error(`?subject= ${what}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      items = (JSON.parse(res.body) as { items: unknown[] }).items.length;
      if (i >= 5) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const slowest = times[times.length - 1];
    out.push(
      line(
        `GET …/audit-events?subject= (${what}, of ${total})`,
        `${items} items: median ${fmt(median)}, max ${fmt(slowest, 0)} ms`,
        `≤${TARGET_SUBJECT_FIRST_PAGE_MS} ms`,
        verdict(items > 0 && median <= TARGET_SUBJECT_FIRST_PAGE_MS),
      ),
    );
  }
}

export async function auditSection(databaseUrl: string, out: string[]): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: SEED_CONNECTIONS });
  try {
    const seedSeconds = await seedAuditEntries(pool, ROWS);
    out.push(line('audit entries seeded (keyed v3 chain, Node HMAC + unnest)', `${ROWS} in ${fmt(seedSeconds)} s`));
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
    await subjectSearch(roster.base, await count(), out);
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
