/**
 * `npm run bench` — prints Roster's figures beside a raw `pg` baseline measured in the same run,
 * same Node, same PostgreSQL. Targets come from the issues; they are printed, never asserted.
 * Sections: `npm run bench -- scim` (default: all sections that exist); `body` is issue #17's worst-body CPU,
 * `ratelimit` the per-request cost of its replica-wide rate limit.
 * `runtime` compares Roster's CPU per SCIM request under this Node and BENCH_COMPARE_NODE.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Pool } from 'pg';
import { runMigrations } from '../../src/bootstrap';
import { validateEnv } from '../../src/config/env.schema';
import { createTestDatabase } from '../setup/test-database';
import { closeLoadClients, compareRounds, fmt, line, request, roundLines, runConcurrent, verdict } from './bench-utils';
import { admin, startRoster } from './roster-process';
import { sessionsSection } from './sessions-bench';
import { syncSection } from './sync-bench';
import { auditSection } from './audit-bench';
import { keysSection } from './keys-bench';
import { bodySection } from './body-bench';
import { revokeSection } from './revoke-bench';
import { consoleSection } from './console-bench';
import { rateLimitSection } from './ratelimit-bench';
import { runtimeSection } from './runtime-bench';
import { entraBody } from './entra-body';

const CONCURRENCY = 20;
/** Alternating rounds per comparison (BENCH_ROUNDS), calls per round (BENCH_PER_ROUND), warm-up calls per side. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 4000);
const WARM_UP = 2000;

async function scimSection(databaseUrl: string, out: string[]): Promise<void> {
  const roster = await startRoster(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', {
      name: 'Bench',
      ssoDomains: ['contoso.example'],
    });
    const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'bench' });
    const { token } = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, {
      name: 'bench',
    });
    const scimHeaders = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const prefix = `/scim/v2/${conn.id}`;

    // ---- 1. POST /Users vs raw single-row JSONB insert under a unique index -------------------
    await pool.query(
      `CREATE TABLE IF NOT EXISTS bench_raw_user (id uuid PRIMARY KEY, connection_id text NOT NULL, user_name text NOT NULL, resource jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await pool.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS bench_raw_user__uq ON bench_raw_user (connection_id, lower(user_name))`,
    );
    const rawInsert = (run: string) => async (i: number) => {
      const body = entraBody(i, run);
      await pool.query(
        `INSERT INTO bench_raw_user (id, connection_id, user_name, resource) VALUES ($1, $2, $3, $4::jsonb)`,
        [randomUUID(), 'raw', JSON.parse(body).userName, body],
      );
      return true;
    };
    const scimPost = (run: string) => async (i: number) =>
      (await request(roster.base, 'POST', `${prefix}/Users`, scimHeaders, entraBody(i, run))).status === 201;
    // Warm-up: both sides JIT-compiled, both pools connected, before anything is measured.
    const warm = await runConcurrent(WARM_UP, CONCURRENCY, scimPost('w'));
    if (warm.errors > 0) throw new Error(`warm-up POSTs failed: ${warm.errors}`);
    await runConcurrent(WARM_UP, CONCURRENCY, rawInsert('rw'));
    const post = await compareRounds(ROUNDS, PER_ROUND, CONCURRENCY, rawInsert('r'), scimPost('m'));
    out.push(
      line(
        `raw pg INSERT (JSONB, unique index), ${CONCURRENCY} clients`,
        `${fmt(post.basePerSecond, 0)}/s (median of ${ROUNDS})`,
      ),
    );
    out.push(
      line(
        `POST /Users (~1 KB Entra body), ${CONCURRENCY} clients`,
        `${fmt(post.perSecond, 0)}/s p99 ${fmt(post.p99)} ms`,
        '≥0.3× raw, p99≤50ms',
        verdict(post.ratio >= 0.3 && post.p99 <= 50),
      ),
    );
    out.push(
      line('  ratio POST /Users ÷ raw insert (median round)', `${fmt(post.ratio, 2)}×  (errors ${post.errors})`),
    );
    out.push(...roundLines(post, 'raw', 'POST'));

    // ---- 2. filter=userName eq at 1,000,000 staged users vs the raw indexed select --------------
    const TARGET_ROWS = Number(process.env.BENCH_STAGED_USERS ?? 1_000_000);
    const {
      rows: [{ n: existing }],
    } = await pool.query(`SELECT count(*)::int AS n FROM staging.scim_user WHERE connection_id = $1`, [conn.id]);
    const toSeed = TARGET_ROWS - existing;
    const seedStarted = Date.now();
    for (let from = 0; from < toSeed; from += 100_000) {
      const n = Math.min(100_000, toSeed - from);
      await pool.query(
        `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, external_id, display_name, active, primary_email, resource, raw_payload)
         SELECT gen_random_uuid(), $1, $2, 'seed' || i || '@contoso.example', 'seed' || i, 'Seed ' || i, true, 'seed' || i || '@contoso.example',
                jsonb_build_object('schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'), 'userName', 'seed' || i || '@contoso.example',
                  'externalId', 'seed' || i, 'displayName', 'Seed ' || i, 'active', true,
                  'name', jsonb_build_object('givenName', 'Seed', 'familyName', 'User' || i),
                  'emails', jsonb_build_array(jsonb_build_object('value', 'seed' || i || '@contoso.example', 'type', 'work', 'primary', true))),
                NULL
           FROM generate_series($3::int, $4::int) AS i`,
        [tenant.id, conn.id, from, from + n - 1],
      );
    }
    // What autovacuum would do after a bulk load: statistics, and a visibility map for the new pages.
    await pool.query('VACUUM ANALYZE staging.scim_user');
    const {
      rows: [{ n: staged }],
    } = await pool.query(`SELECT count(*)::int AS n FROM staging.scim_user WHERE connection_id = $1`, [conn.id]);
    out.push(
      line(
        'staged users in the connection (seeded by SQL)',
        `${staged} (seeded in ${fmt((Date.now() - seedStarted) / 1000)} s)`,
      ),
    );
    const pick = (i: number) => `seed${(i * 7919) % Math.max(1, toSeed)}@contoso.example`;
    const rawSelect = async (i: number) => {
      const r = await pool.query(
        `SELECT id, resource FROM staging.scim_user WHERE connection_id = $1 AND lower(user_name) = lower($2) AND deleted_at IS NULL`,
        [conn.id, pick(i)],
      );
      return r.rowCount === 1;
    };
    const scimFilter = async (i: number) => {
      const q = encodeURIComponent(`userName eq "${pick(i)}"`);
      const r = await request(roster.base, 'GET', `${prefix}/Users?filter=${q}`, scimHeaders);
      return r.status === 200 && r.body.includes('"totalResults":1');
    };
    const scanCounters = async () => {
      await pool.query('SELECT pg_stat_clear_snapshot()');
      const {
        rows: [r],
      } = await pool.query(
        `SELECT (SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'scim_user__connection_id_user_name__uq')::bigint AS idx,
                (SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname = 'staging' AND relname = 'scim_user')::bigint AS seq`,
      );
      return { idx: Number(r.idx), seq: Number(r.seq) };
    };
    // An idle backend reports its pending statistics within PGSTAT_IDLE_INTERVAL (10 s).
    const statsFlushed = () => new Promise((r) => setTimeout(r, 11_000));
    await statsFlushed();
    const scansBefore = await scanCounters();
    await runConcurrent(WARM_UP, CONCURRENCY, (i) => scimFilter(i + 500_000));
    await runConcurrent(WARM_UP, CONCURRENCY, (i) => rawSelect(i + 500_000));
    const filter = await compareRounds(ROUNDS, PER_ROUND, CONCURRENCY, rawSelect, scimFilter);
    out.push(
      line(`raw pg indexed SELECT, ${CONCURRENCY} clients`, `${fmt(filter.basePerSecond, 0)}/s (median of ${ROUNDS})`),
    );
    out.push(
      line(
        `GET /Users?filter=userName eq (${staged} users), ${CONCURRENCY} clients`,
        `${fmt(filter.perSecond, 0)}/s p99 ${fmt(filter.p99)} ms`,
        '≥0.4× raw, p99≤20ms',
        verdict(filter.ratio >= 0.4 && filter.p99 <= 20),
      ),
    );
    out.push(line('  ratio filter ÷ raw select (median round)', `${fmt(filter.ratio, 2)}×  (errors ${filter.errors})`));
    out.push(...roundLines(filter, 'raw', 'filter'));
    // The plan Roster's own statements used, from PostgreSQL's counters rather than an EXPLAIN of a
    // hand-written copy: every lookup (raw and Roster's, warm-up included) must be a scan of the
    // userName index, and no scan of the table may have happened.
    await statsFlushed();
    const scans = await scanCounters();
    const lookups = 2 * (WARM_UP + ROUNDS * PER_ROUND);
    const indexScan = scans.idx - scansBefore.idx >= lookups && scans.seq === scansBefore.seq;
    out.push(
      line(
        '  plan of the compiled filter',
        `${indexScan ? 'index scan' : 'NOT an index scan'} (${scans.idx - scansBefore.idx} index scans for ${lookups} lookups, ${scans.seq - scansBefore.seq} seq scans)`,
        'index scan',
        verdict(indexScan),
      ),
    );

    // ---- 3. group PATCH: 1,000 members in one request; 1 member of a 100,000-member group -------
    const { rows: memberRows } = await pool.query(
      `SELECT id FROM staging.scim_user WHERE connection_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 101001`,
      [conn.id],
    );
    const ids: string[] = memberRows.map((r) => r.id);
    const createGroup = async (name: string) => {
      const r = await request(
        roster.base,
        'POST',
        `${prefix}/Groups`,
        scimHeaders,
        JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name, members: [] }),
      );
      return JSON.parse(r.body).id as string;
    };
    const patchMembers = (groupId: string, op: string, members: string[]) =>
      request(
        roster.base,
        'PATCH',
        `${prefix}/Groups/${groupId}`,
        scimHeaders,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op, path: 'members', value: members.map((value) => ({ value })) }],
        }),
      );
    const thousand: number[] = [];
    for (let k = 0; k < 5; k++) {
      const g = await createGroup(`bench-1000-${k}`);
      const t0 = process.hrtime.bigint();
      const r = await patchMembers(g, 'Add', ids.slice(k * 1000, (k + 1) * 1000));
      thousand.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== 204) throw new Error(`1000-member PATCH: ${r.status} ${r.body}`);
    }
    thousand.sort((a, b) => a - b);
    out.push(
      line(
        'group PATCH adding 1,000 members (5 runs)',
        `median ${fmt(thousand[2])} ms, max ${fmt(thousand[4])} ms`,
        '≤250 ms',
        verdict(thousand[4] <= 250),
      ),
    );

    const big = await createGroup('bench-100k');
    await pool.query(
      `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, tenant_id, connection_id)
       SELECT $1, unnest($2::uuid[]), 'User', $3, $4`,
      [big, ids.slice(0, 100_000), tenant.id, conn.id],
    );
    await pool.query('ANALYZE staging.scim_group_member');
    const spare = ids.slice(100_000, 101_000);
    const one = await runConcurrent(200, 1, async (i) => {
      const r = await patchMembers(big, i % 2 === 0 ? 'Add' : 'Remove', [spare[Math.floor(i / 2)]]);
      return r.status === 204;
    });
    out.push(
      line(
        'add/remove 1 member of a 100,000-member group (200 runs)',
        `p50 ${fmt(one.p50)} ms, p99 ${fmt(one.p99)} ms`,
        '≤20 ms',
        verdict(one.p99 <= 20),
      ),
    );
  } finally {
    await pool.end();
    await roster.stop();
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const sections: Record<string, (url: string, out: string[]) => Promise<void>> = {
    scim: scimSection,
    sync: syncSection,
    sessions: sessionsSection,
    audit: auditSection,
    keys: keysSection,
    body: bodySection,
    revoke: revokeSection,
    console: consoleSection,
    ratelimit: rateLimitSection,
    runtime: runtimeSection,
  };
  const run = wanted.length ? wanted : Object.keys(sections);
  const db = await createTestDatabase();
  // Lines are printed as they are measured, so a long run that is cut short still reports.
  const out: string[] = new Proxy([] as string[], {
    get(target, prop, receiver) {
      if (prop === 'push') {
        return (...items: string[]) => {
          for (const item of items) process.stdout.write(`${item}\n`);
          return target.push(...items);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  try {
    await runMigrations(validateEnv({ DATABASE_URL: db.url }));
    out.push(
      `Roster bench — node ${process.version}, ${cpus().length} cores, PostgreSQL ${db.url.replace(/\/\/[^@]*@/, '//')}`,
    );
    out.push(line('measure', 'figure', 'target', 'verdict'));
    for (const name of run) {
      const section = sections[name];
      if (!section) throw new Error(`unknown bench section ${name}; known: ${Object.keys(sections).join(', ')}`);
      out.push(`--- ${name}`);
      await section(db.url, out);
    }
  } finally {
    await closeLoadClients();
    await db.dispose();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
