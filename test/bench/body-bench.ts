import { adversarialShapes, adversarialUser } from '../utils/adversarial-bodies';
import { cpuMs, fmt, line, request, verdict } from './bench-utils';
import { admin, startRoster } from './roster-process';

const TARGET_CPU_MS = 100;

/**
 * Issue #17: the worst body under SCIM_MAX_BODY_BYTES costs ≤ 100 ms of CPU. Each shape is sent
 * BENCH_BODY_REPEATS times, one at a time, to the Roster child; its process CPU time (user + system,
 * /proc/<pid>/stat) across those requests is divided by the count — the relay's idle polling is in it.
 * BENCH_BODY_ONLY=<regexp> keeps the shapes whose name matches (to profile one with BENCH_CPU_PROF).
 */
export async function bodySection(databaseUrl: string, out: string[]): Promise<void> {
  const repeats = Number(process.env.BENCH_BODY_REPEATS ?? 5);
  const maxBytes = 2 * 1024 * 1024;
  const maxValues = 10_000;
  const roster = await startRoster(databaseUrl, { SCIM_MAX_BODY_BYTES: String(maxBytes) });
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', { name: 'Bench bodies', ssoDomains: [] });
    const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'b' });
    const { token } = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, { name: 'b' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const prefix = `/scim/v2/${conn.id}`;
    const user = await request(roster.base, 'POST', `${prefix}/Users`, headers, adversarialUser(maxValues));
    const group = await request(
      roster.base,
      'POST',
      `${prefix}/Groups`,
      headers,
      JSON.stringify({ displayName: 'adv' }),
    );
    if (user.status !== 201 || group.status !== 201) throw new Error(`setup failed: ${user.status} ${group.status}`);
    const ids = { userId: JSON.parse(user.body).id as string, groupId: JSON.parse(group.body).id as string };
    let worst = 0;
    const count = adversarialShapes(maxBytes, maxValues).length;
    const only = process.env.BENCH_BODY_ONLY ? new RegExp(process.env.BENCH_BODY_ONLY) : undefined;
    for (let s = 0; s < count; s++) {
      if (only && !only.test(adversarialShapes(maxBytes, maxValues)[s].name)) continue;
      let cpu = 0;
      let wall = 0;
      let statuses = new Set<number>();
      let name = '';
      for (let r = 0; r < repeats; r++) {
        // Fresh bodies each time: POSTs carry a new userName.
        const shape = adversarialShapes(maxBytes, maxValues)[s];
        name = shape.name;
        const path = prefix + shape.path.replace('{userId}', ids.userId).replace('{groupId}', ids.groupId);
        const before = cpuMs(roster.pid);
        const started = process.hrtime.bigint();
        const res = await request(roster.base, shape.method, path, headers, shape.body);
        wall += Number(process.hrtime.bigint() - started) / 1e6;
        cpu += cpuMs(roster.pid) - before;
        statuses.add(res.status);
      }
      const perRequest = cpu / repeats;
      worst = Math.max(worst, perRequest);
      out.push(
        line(
          `body CPU: ${name} (→ ${[...statuses].join('/')}, wall ${fmt(wall / repeats, 0)} ms)`,
          `${fmt(perRequest, 0)} ms`,
          `≤ ${TARGET_CPU_MS} ms`,
          verdict(perRequest <= TARGET_CPU_MS),
        ),
      );
      statuses = new Set();
    }
    out.push(
      line(
        'body CPU: worst body under 2 MiB',
        `${fmt(worst, 0)} ms`,
        `≤ ${TARGET_CPU_MS} ms`,
        verdict(worst <= TARGET_CPU_MS),
      ),
    );
  } finally {
    await roster.stop();
  }
}
