import { Pool } from 'pg';
import { fmt, line, request, runConcurrent, verdict } from './bench-utils';
import { ADMIN_TOKEN, admin, startRoster } from './roster-process';

/**
 * Issue #6: deactivation-to-inactive latency. For each of 1,000 members with a live session, a SCIM
 * `PATCH active "False"` (Entra's dialect) is sent and the session token introspected until it is
 * inactive; the latency counts from the SCIM response to the first inactive answer.
 */
export async function sessionsSection(databaseUrl: string, out: string[]): Promise<void> {
  const roster = await startRoster(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const N = Number(process.env.BENCH_DEACTIVATIONS ?? 1000);
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', {
      name: 'Bench sessions',
      ssoDomains: ['fabrikam.example'],
    });
    const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'bench' });
    const { token } = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, {
      name: 'bench',
    });
    const scim = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const users: Array<{ id: string; email: string; session: string }> = [];
    await runConcurrent(N, 10, async (i) => {
      const email = `s${i}@fabrikam.example`;
      const r = await request(
        roster.base,
        'POST',
        `/scim/v2/${conn.id}/Users`,
        scim,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: email,
          active: true,
          emails: [{ type: 'work', value: email, primary: true }],
        }),
      );
      users[i] = { id: JSON.parse(r.body).id, email, session: '' };
      return r.status === 201;
    });
    // Members the way Sync makes them (account + SCIM membership linked to the staged user).
    await pool.query(
      `WITH a AS (INSERT INTO tenancy.account (email) SELECT unnest($1::text[]) ON CONFLICT (email) DO UPDATE SET updated_at = now() RETURNING id, email)
       INSERT INTO tenancy.membership (tenant_id, account_id, status, source, connection_id, staged_user_id)
       SELECT $2, a.id, 'active', 'scim', $3, u.id FROM a JOIN unnest($1::text[], $4::uuid[]) AS u(email, id) ON u.email = a.email`,
      [users.map((u) => u.email), tenant.id, conn.id, users.map((u) => u.id)],
    );
    await runConcurrent(N, 10, async (i) => {
      const r = await request(
        roster.base,
        'POST',
        '/v1/sessions',
        adminHeaders,
        JSON.stringify({ tenantId: tenant.id, email: users[i].email }),
      );
      users[i].session = JSON.parse(r.body).token;
      return r.status === 201;
    });
    const introspect = async (t: string) =>
      JSON.parse(
        (await request(roster.base, 'POST', '/v1/sessions/introspect', adminHeaders, JSON.stringify({ token: t })))
          .body,
      ).active as boolean;
    const latencies: number[] = [];
    // One deactivation at a time: the figure is the pipeline's latency, not a queue behind our own load.
    const run = await runConcurrent(N, 1, async (i) => {
      const u = users[i];
      const r = await request(
        roster.base,
        'PATCH',
        `/scim/v2/${conn.id}/Users/${u.id}`,
        scim,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
        }),
      );
      const answered = process.hrtime.bigint();
      if (r.status !== 204) return false;
      for (let k = 0; k < 2000; k++) {
        if (!(await introspect(u.session))) {
          latencies.push(Number(process.hrtime.bigint() - answered) / 1e6);
          return true;
        }
        await new Promise((res) => setTimeout(res, 5));
      }
      return false;
    });
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const {
      rows: [{ ended }],
    } = await pool.query(
      `SELECT count(*)::int AS ended FROM sessions.session WHERE tenant_id = $1 AND end_reason LIKE 'membership_revoked:%'`,
      [tenant.id],
    );
    out.push(
      line(
        `deactivation → session inactive (${latencies.length} deactivations)`,
        `p50 ${fmt(p(0.5))} ms, p99 ${fmt(p(0.99))} ms, max ${fmt(latencies[latencies.length - 1])} ms`,
        'p99 < 1000 ms',
        verdict(p(0.99) < 1000 && run.errors === 0),
      ),
    );
    out.push(line('  sessions ended by the revocation event', `${ended} of ${N}`));
  } finally {
    await pool.end();
    await roster.stop();
  }
}
