import { Pool } from 'pg';
import { compareRounds, fmt, line, request, roundLines, runConcurrent } from './bench-utils';
import { admin, startRoster } from './roster-process';

const CONCURRENCY = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 4000);

/**
 * Issue #17: what the replica-wide SCIM rate limit costs per request (one upsert on
 * platform.rate_window). Two Roster processes on the same database, one with the limit off and one
 * with a limit no request reaches, serve the same cheap GET in alternating rounds; and the counting
 * statement alone, one client, straight on the pool.
 */
export async function rateLimitSection(databaseUrl: string, out: string[]): Promise<void> {
  const off = await startRoster(databaseUrl);
  const on = await startRoster(databaseUrl, { SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '0' });
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const setup = async (base: URL, name: string) => {
      const tenant = await admin(base, 'POST', '/admin/v1/tenants', { name, ssoDomains: [`${name}.example`] });
      const conn = await admin(base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name });
      const { token } = await admin(base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, { name });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      const user = await request(
        base,
        'POST',
        `/scim/v2/${conn.id}/Users`,
        headers,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `u@${name}.example`,
          active: true,
        }),
      );
      const path = `/scim/v2/${conn.id}/Users/${JSON.parse(user.body).id}`;
      return async () => (await request(base, 'GET', path, headers)).status === 200;
    };
    const getOff = await setup(off.base, 'rloff');
    const getOn = await setup(on.base, 'rlon');
    await runConcurrent(2000, CONCURRENCY, getOff);
    await runConcurrent(2000, CONCURRENCY, getOn);
    const c = await compareRounds(ROUNDS, PER_ROUND, CONCURRENCY, getOff, getOn);
    out.push(
      line(`GET /Users/:id, limit off, ${CONCURRENCY} clients`, `${fmt(c.basePerSecond, 0)}/s (median of ${ROUNDS})`),
    );
    out.push(
      line(
        `GET /Users/:id, replica-wide limit on, ${CONCURRENCY} clients`,
        `${fmt(c.perSecond, 0)}/s p99 ${fmt(c.p99)} ms`,
      ),
    );
    out.push(line('  ratio limit on ÷ off (median round)', `${fmt(c.ratio, 2)}×  (errors ${c.errors})`));
    out.push(...roundLines(c, 'off', 'on'));

    const sql = `INSERT INTO platform.rate_window AS w (key, window_start, ttl_ms, hits)
      SELECT k, now(), t, 1 FROM unnest($1::text[], $2::int[]) AS u(k, t)
      ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN w.window_start + w.ttl_ms * interval '1 millisecond' <= now() THEN now() ELSE w.window_start END,
        hits = CASE WHEN w.window_start + w.ttl_ms * interval '1 millisecond' <= now() THEN 1 ELSE w.hits + 1 END,
        ttl_ms = EXCLUDED.ttl_ms
      RETURNING key, hits`;
    const client = await pool.connect();
    try {
      const params = [
        ['bench-burst:x', 'bench-sustained:x'],
        [1000, 10_000],
      ];
      const alone = await runConcurrent(5000, 1, async () => {
        await client.query({ name: 'bench_rate_window', text: sql, values: params });
        return true;
      });
      const empty = await runConcurrent(5000, 1, async () => {
        await client.query({ name: 'bench_select_1', text: 'SELECT 1' });
        return true;
      });
      out.push(
        line(
          '  counting statement alone (2 windows, 1 client)',
          `p50 ${fmt(alone.p50, 3)} ms, p99 ${fmt(alone.p99, 3)} ms (SELECT 1: p50 ${fmt(empty.p50, 3)} ms)`,
        ),
      );
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
    await Promise.all([off.stop(), on.stop()]);
  }
}
