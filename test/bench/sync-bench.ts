/**
 * Sync section of `npm run bench`: the first sync of 50,000 staged users and an incremental run
 * with 10 changed users among them, in the built Roster (dist/) as an operator runs it.
 *
 * Data set (seeded by SQL): one tenant, 50 internal groups, 200 SCIM groups each mapped by
 * displayName to one internal group (group k → internal k mod 50), and 50,000 staged users each a
 * member of 5 of the 200 groups (k = n, n+40, n+80, n+120, n+160 mod 200) — 250,000 staged
 * memberships, up to 5 internal groups per user.
 *
 * Figures: server-side duration of each run (startedAt → finishedAt), wall time of the HTTP round
 * trip to completion, and the peak RSS of the Roster process during each run (VmHWM, reset before
 * the run through /proc/<pid>/clear_refs where Linux allows it). The outbox relay is off in the
 * measured process so the figures are Sync's own (the run still writes its ~50,000 member events).
 *
 * Alone: `npm run build && node -r ts-node/register/transpile-only test/bench/sync-bench.ts`.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Pool } from 'pg';
import { fmt, line, verdict } from './bench-utils';
import { admin, startRoster } from './roster-process';

const USERS = Number(process.env.BENCH_SYNC_USERS ?? 50_000);
const SCIM_GROUPS = 200;
const INTERNAL_GROUPS = 50;
const GROUPS_PER_USER = 5;
const DOMAIN = 'sync-bench.example';

/** Peak resident set (MB) since the last reset; null where /proc is not available. */
function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used so far; null where /proc is not available. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function timedRun(
  base: URL,
  pid: number,
  connectionId: string,
  mode: string,
): Promise<{ run: any; wallMs: number; peakMb: number | null; peakReset: boolean; cpuS: number | null }> {
  const peakReset = resetPeakRss(pid);
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const started = await admin(base, 'POST', `/admin/v1/scim-connections/${connectionId}/sync-runs`, { mode });
  let run: any;
  for (;;) {
    run = await admin(base, 'GET', `/admin/v1/sync-runs/${started.id}?skipsLimit=1`);
    if (run.status !== 'in_progress') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (run.status !== 'completed') throw new Error(`sync run ${run.id} ${run.status}: ${run.error}`);
  const cpu1 = cpuSeconds(pid);
  return { run, wallMs, peakMb: peakRssMb(pid), peakReset, cpuS: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

const serverMs = (run: any) => Date.parse(run.finishedAt) - Date.parse(run.startedAt);

export async function syncSection(databaseUrl: string, out: string[]): Promise<void> {
  // Relay off: the figures are Sync's own (the member events are still written to the outbox).
  const roster = await startRoster(databaseUrl, { OUTBOX_RELAY_ENABLED: 'false' });
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', { name: 'Sync bench', ssoDomains: [DOMAIN] });
    const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, {
      name: 'sync bench',
    });
    const internal: string[] = [];
    for (let i = 0; i < INTERNAL_GROUPS; i++) {
      internal.push(
        (
          await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/groups`, {
            name: `Internal ${i}`,
            permissions: [`perm:${i}`, `perm:${i % 7}`],
          })
        ).id,
      );
    }
    await admin(roster.base, 'PUT', `/admin/v1/scim-connections/${conn.id}/group-mappings`, {
      mappings: Array.from({ length: SCIM_GROUPS }, (_, k) => ({
        scimGroup: { displayName: `SCIM Group ${k}` },
        internalGroupId: internal[k % INTERNAL_GROUPS],
      })),
    });

    const seedStarted = Date.now();
    await pool.query(
      `INSERT INTO staging.scim_group (id, tenant_id, connection_id, display_name, external_id, resource)
       SELECT gen_random_uuid(), $1, $2, 'SCIM Group ' || k, 'ext-' || k, jsonb_build_object('displayName', 'SCIM Group ' || k)
         FROM generate_series(0, $3::int - 1) AS k`,
      [tenant.id, conn.id, SCIM_GROUPS],
    );
    await pool.query(
      `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, external_id, display_name, active, primary_email, created_at, resource)
       SELECT gen_random_uuid(), $1, $2, 'user' || n || '@' || $4, 'ext' || n, 'User ' || n, true, 'user' || n || '@' || $4,
              now() - make_interval(secs => $3::int - n),
              jsonb_build_object('userName', 'user' || n || '@' || $4, 'displayName', 'User ' || n,
                                 'name', jsonb_build_object('givenName', 'User', 'familyName', 'N' || n),
                                 'emails', jsonb_build_array(jsonb_build_object('value', 'user' || n || '@' || $4, 'type', 'work', 'primary', true)))
         FROM generate_series(0, $3::int - 1) AS n`,
      [tenant.id, conn.id, USERS, DOMAIN],
    );
    await pool.query(
      `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, tenant_id, connection_id)
       SELECT g.id, u.id, 'User', $1, $2
         FROM (SELECT id, (substring(external_id from 4))::int AS n FROM staging.scim_user WHERE connection_id = $2) u
         CROSS JOIN generate_series(0, $4::int - 1) AS j
         JOIN staging.scim_group g ON g.connection_id = $2 AND g.external_id = 'ext-' || ((u.n + j * ($3::int / $4::int)) % $3::int)`,
      [tenant.id, conn.id, SCIM_GROUPS, GROUPS_PER_USER],
    );
    await pool.query('ANALYZE staging.scim_user; ANALYZE staging.scim_group_member; ANALYZE staging.scim_group');
    const {
      rows: [{ n: memberships }],
    } = await pool.query(`SELECT count(*)::int AS n FROM staging.scim_group_member WHERE connection_id = $1`, [
      conn.id,
    ]);
    out.push(
      line(
        'staged users / SCIM groups / staged memberships (SQL seed)',
        `${USERS} / ${SCIM_GROUPS} / ${memberships} (${fmt((Date.now() - seedStarted) / 1000)} s)`,
      ),
    );

    // ---- 1. first sync: every user provisioned with its internal groups ---------------------------
    const first = await timedRun(roster.base, roster.pid, conn.id, 'auto');
    if (first.run.counts.provisioned !== USERS)
      throw new Error(`first sync provisioned ${first.run.counts.provisioned}, expected ${USERS}`);
    const firstS = serverMs(first.run) / 1000;
    out.push(
      line(
        `first sync of ${USERS} staged users (mode ${first.run.mode})`,
        `${fmt(firstS)} s (wall ${fmt(first.wallMs / 1000)} s)`,
        '≤60 s on 2 cores',
        verdict(firstS <= 60),
      ),
    );
    out.push(
      line(
        '  throughput; CPU time of the Roster process',
        `${fmt(USERS / firstS, 0)} users/s; ${first.cpuS === null ? 'n/a' : `${fmt(first.cpuS)} s`}`,
      ),
    );
    out.push(
      line(
        '  peak RSS of the Roster process during the run',
        first.peakMb === null ? 'n/a' : `${fmt(first.peakMb, 0)} MB${first.peakReset ? '' : ' (since boot)'}`,
      ),
    );
    const {
      rows: [{ n: groupRows }],
    } = await pool.query(
      `SELECT count(*)::int AS n FROM tenancy.membership_group mg JOIN tenancy.membership m ON m.id = mg.membership_id WHERE m.connection_id = $1`,
      [conn.id],
    );
    out.push(line('  memberships / internal group rows written', `${first.run.counts.provisioned} / ${groupRows}`));

    // ---- 2. incremental: 10 changed users among 50,000 --------------------------------------------
    await pool.query(
      `UPDATE staging.scim_user SET display_name = display_name || ' (renamed)', version = version + 1, updated_at = clock_timestamp()
        WHERE id IN (SELECT id FROM staging.scim_user WHERE connection_id = $1 ORDER BY external_id LIMIT 10)`,
      [conn.id],
    );
    const incr = await timedRun(roster.base, roster.pid, conn.id, 'incremental');
    if (incr.run.counts.updated !== 10)
      throw new Error(`incremental run updated ${incr.run.counts.updated}, expected 10`);
    const incrS = serverMs(incr.run) / 1000;
    out.push(
      line(
        `incremental run, 10 changed among ${USERS}`,
        `${fmt(incrS * 1000, 0)} ms (wall ${fmt(incr.wallMs, 0)} ms)`,
        '≤2 s',
        verdict(incrS <= 2),
      ),
    );
    out.push(line('  peak RSS during the run', incr.peakMb === null ? 'n/a' : `${fmt(incr.peakMb, 0)} MB`));

    // ---- 3. full reconciliation with nothing to change (the daily run) -----------------------------
    const full = await timedRun(roster.base, roster.pid, conn.id, 'full');
    const changed = full.run.counts.provisioned + full.run.counts.updated + full.run.counts.deprovisioned;
    out.push(
      line(
        `full re-run, nothing changed (${full.run.counts.unchanged} unchanged)`,
        `${fmt(serverMs(full.run) / 1000)} s, ${changed} changes`,
        'idempotent',
        verdict(changed === 0),
      ),
    );
    out.push(line('  peak RSS during the run', full.peakMb === null ? 'n/a' : `${fmt(full.peakMb, 0)} MB`));
  } finally {
    await pool.end();
    await roster.stop();
  }
}

if (require.main === module) {
  void (async () => {
    const { createTestDatabase } = await import('../setup/test-database');
    const { runMigrations } = await import('../../src/bootstrap');
    const { validateEnv } = await import('../../src/config/env.schema');
    const db = await createTestDatabase();
    const out: string[] = [];
    try {
      await runMigrations(validateEnv({ DATABASE_URL: db.url }));
      out.push(
        `Roster sync bench — node ${process.version}, ${cpus().length} cores, load ${loadavg()
          .map((n: number) => n.toFixed(2))
          .join(' ')}`,
      );
      out.push(line('measure', 'figure', 'target', 'verdict'));
      await syncSection(db.url, out);
    } finally {
      process.stdout.write(`\n${out.join('\n')}\n`);
      await db.dispose();
    }
  })().catch((err) => {
    process.stderr.write(`sync bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
