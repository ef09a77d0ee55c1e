import { Pool } from 'pg';
import { fmt, line, request, stats, verdict } from './bench-utils';
import { ADMIN_TOKEN, admin, startRoster } from './roster-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue #16 §1: access removal without a sync run.
 * 1. BENCH_REMOVALS (200) members of a mapped SCIM group, each with a session: one at a time, a SCIM
 *    PATCH removes the member (Entra's `members[value eq …]`), and the session is introspected until
 *    the group's permission is gone; the latency counts from the SCIM response.
 * 2. A mapped SCIM group of BENCH_BIG_GROUP (10,000) members is deleted: time until no member holds
 *    the internal group, while another connection's SCIM traffic keeps flowing (its p99 during the
 *    revocation, beside the same traffic's p99 before it).
 */
export async function revokeSection(databaseUrl: string, out: string[]): Promise<void> {
  const roster = await startRoster(databaseUrl);
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const N = Number(process.env.BENCH_REMOVALS ?? 200);
  const BIG = Number(process.env.BENCH_BIG_GROUP ?? 10_000);
  const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  try {
    const connection = async (name: string, domain: string) => {
      const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', { name, ssoDomains: [domain] });
      const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name });
      const { token } = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, { name });
      return {
        tenantId: tenant.id as string,
        connectionId: conn.id as string,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      };
    };
    const a = await connection('Bench revoke', 'revoke.example');
    const site = await admin(roster.base, 'POST', `/admin/v1/tenants/${a.tenantId}/sites`, { name: 'Oslo' });
    const finance = await admin(roster.base, 'POST', `/admin/v1/tenants/${a.tenantId}/groups`, {
      name: 'Finance Staff',
      permissions: ['finance.read'],
      siteIds: [site.id],
    });
    const archive = await admin(roster.base, 'POST', `/admin/v1/tenants/${a.tenantId}/groups`, {
      name: 'Archive Staff',
      permissions: ['archive.read'],
    });
    await admin(roster.base, 'PUT', `/admin/v1/scim-connections/${a.connectionId}/group-mappings`, {
      mappings: [
        { scimGroup: { displayName: 'Finance' }, internalGroupId: finance.id },
        { scimGroup: { displayName: 'Archive' }, internalGroupId: archive.id },
      ],
    });
    // Staged users and the two groups by SQL (the SCIM write path is measured elsewhere), then a sync run.
    const { rows: users } = await pool.query<{ id: string; email: string }>(
      `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, primary_email, display_name, resource)
       SELECT gen_random_uuid(), $1, $2, 'r' || i || '@revoke.example', true, 'r' || i || '@revoke.example', 'R ' || i, '{}'::jsonb
         FROM generate_series(1, $3::int) AS i
       RETURNING id, primary_email AS email`,
      [a.tenantId, a.connectionId, N + BIG],
    );
    const small = users.slice(0, N);
    const big = users.slice(N);
    const group = async (name: string, members: Array<{ id: string }>) => {
      const {
        rows: [g],
      } = await pool.query<{ id: string }>(
        `INSERT INTO staging.scim_group (id, tenant_id, connection_id, display_name, resource)
         VALUES (gen_random_uuid(), $1, $2, $3, '{}'::jsonb) RETURNING id`,
        [a.tenantId, a.connectionId, name],
      );
      await pool.query(
        `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, tenant_id, connection_id)
         SELECT $1, unnest($2::uuid[]), 'User', $3, $4`,
        [g.id, members.map((m) => m.id), a.tenantId, a.connectionId],
      );
      return g.id;
    };
    // The group the removals go through is created over SCIM (a complete resource, as an IdP sends it).
    const created = await request(
      roster.base,
      'POST',
      `/scim/v2/${a.connectionId}/Groups`,
      a.headers,
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Finance',
        members: small.map((u) => ({ value: u.id })),
      }),
    );
    if (created.status !== 201) throw new Error(`POST /Groups: ${created.status} ${created.body}`);
    const financeGroup = (JSON.parse(created.body) as { id: string }).id;
    const archiveGroup = await group('Archive', big);
    await pool.query('ANALYZE staging.scim_user; ANALYZE staging.scim_group_member');
    const syncStarted = Date.now();
    const run = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${a.connectionId}/sync-runs`, {
      mode: 'full',
    });
    for (;;) {
      const r = await admin(roster.base, 'GET', `/admin/v1/sync-runs/${run.id}`);
      if (r.status !== 'in_progress') {
        if (r.status !== 'completed') throw new Error(`sync run ${r.status}: ${r.error}`);
        break;
      }
      await sleep(200);
    }
    out.push(
      line(
        `setup: ${N + BIG} members provisioned with their groups`,
        `${fmt((Date.now() - syncStarted) / 1000)} s (sync run)`,
      ),
    );

    // ---- 1. one removal at a time → permission gone for introspection -----------------------------
    const sessions: string[] = [];
    for (const u of small) {
      const r = await request(
        roster.base,
        'POST',
        '/v1/sessions',
        adminHeaders,
        JSON.stringify({ tenantId: a.tenantId, email: u.email }),
      );
      sessions.push((JSON.parse(r.body) as { token: string }).token);
    }
    const permissions = async (token: string) =>
      (
        JSON.parse(
          (await request(roster.base, 'POST', '/v1/sessions/introspect', adminHeaders, JSON.stringify({ token }))).body,
        ) as { permissions?: string[] }
      ).permissions ?? [];
    const latencies: number[] = [];
    let failures = 0;
    for (let i = 0; i < N; i++) {
      if (!(await permissions(sessions[i])).includes('finance.read')) throw new Error('member without finance.read');
      const r = await request(
        roster.base,
        'PATCH',
        `/scim/v2/${a.connectionId}/Groups/${financeGroup}`,
        a.headers,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'remove', path: `members[value eq "${small[i].id}"]` }],
        }),
      );
      const answered = process.hrtime.bigint();
      if (r.status !== 204) {
        if (failures++ === 0) out.push(`  first failed removal: ${r.status} ${r.body.slice(0, 200)}`);
        continue;
      }
      let gone = false;
      for (let k = 0; k < 2000 && !gone; k++) {
        gone = !(await permissions(sessions[i])).includes('finance.read');
        if (!gone) await sleep(2);
      }
      if (gone) latencies.push(Number(process.hrtime.bigint() - answered) / 1e6);
      else failures++;
    }
    const one = stats(latencies, 1, failures);
    out.push(
      line(
        `removal from a mapped group → permission gone (${N} removals)`,
        `p50 ${fmt(one.p50)} ms, p99 ${fmt(one.p99)} ms, max ${fmt(one.max)} ms`,
        'p99 ≤ 1000 ms',
        verdict(one.p99 <= 1000 && failures === 0),
      ),
    );

    // ---- 2. a 10,000-member group deleted, another connection's SCIM traffic meanwhile ---------------
    const b = await connection('Bench other', 'other.example');
    const others: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(
        roster.base,
        'POST',
        `/scim/v2/${b.connectionId}/Users`,
        b.headers,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `o${i}@other.example`,
          active: true,
        }),
      );
      others.push((JSON.parse(r.body) as { id: string }).id);
    }
    /** Another IdP's cycle: a userName lookup and a PATCH, over and over, 4 at a time, until stopped. */
    const traffic = () => {
      const lat: number[] = [];
      let stop = false;
      let errors = 0;
      const workers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = w; !stop; i += 4) {
          const k = i % others.length;
          const t0 = process.hrtime.bigint();
          const q = encodeURIComponent(`userName eq "o${k}@other.example"`);
          const g = await request(roster.base, 'GET', `/scim/v2/${b.connectionId}/Users?filter=${q}`, b.headers);
          const p = await request(
            roster.base,
            'PATCH',
            `/scim/v2/${b.connectionId}/Users/${others[k]}`,
            b.headers,
            JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [{ op: 'replace', path: 'displayName', value: `Other ${i}` }],
            }),
          );
          if (g.status !== 200 || p.status !== 204) errors++;
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6 / 2);
        }
      });
      return {
        stop: async () => {
          stop = true;
          await Promise.all(workers);
          return { lat, errors };
        },
      };
    };
    const before = traffic();
    await sleep(3000);
    const idle = await before.stop();
    const holders = async () =>
      (
        await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenancy.membership_group WHERE group_id = $1`, [
          archive.id,
        ])
      ).rows[0].n;
    const held = await holders();
    const during = traffic();
    const t0 = Date.now();
    const del = await request(roster.base, 'DELETE', `/scim/v2/${a.connectionId}/Groups/${archiveGroup}`, a.headers);
    const deleteMs = Date.now() - t0;
    if (del.status !== 204) throw new Error(`DELETE group: ${del.status} ${del.body}`);
    let left = held;
    while (left > 0 && Date.now() - t0 < 120_000) {
      await sleep(20);
      left = await holders();
    }
    const revokedMs = Date.now() - t0;
    const busy = await during.stop();
    out.push(
      line(
        `delete a ${held}-member mapped group → all revoked`,
        `${fmt(revokedMs / 1000, 2)} s (DELETE answered in ${deleteMs} ms)`,
        '≤ 10 s',
        verdict(left === 0 && revokedMs <= 10_000),
      ),
    );
    const idleStats = stats(idle.lat, 3, idle.errors);
    const busyStats = stats(busy.lat, revokedMs / 1000, busy.errors);
    out.push(
      line(
        '  other connection: SCIM p99 before / during the revocation',
        `${fmt(idleStats.p99)} / ${fmt(busyStats.p99)} ms (${busyStats.count} calls, errors ${busy.errors})`,
        'keeps flowing',
        verdict(busyStats.count > 0 && busy.errors === 0),
      ),
    );
    const {
      rows: [{ n: audited }],
    } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM platform.outbox_message WHERE event_name = 'tenancy.member.access_revoked'`,
    );
    out.push(line('  access_revoked events still waiting for the audit trail at that moment', String(audited)));
  } finally {
    await pool.end();
    await roster.stop();
  }
}
