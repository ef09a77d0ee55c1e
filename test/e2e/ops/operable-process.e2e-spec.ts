import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { expectEventually } from '../../utils/expect-eventually';
import { freePort } from '../../utils/free-port';
import { TEST_AUDIT_CHAIN_KEY } from '../../utils/create-test-app';
import { HttpClient } from '../../utils/http-client';
import { patchOp, ScimClient } from '../../utils/scim-client';

const ADMIN_TOKEN = 'ops-admin-token-0123456789abcdef0123456789';
// The suite's key: this process appends to the chain the run's other apps verify.
const AUDIT_CHAIN_KEY = TEST_AUDIT_CHAIN_KEY;
const MAIN = join(__dirname, '../../../src/main.ts');

interface Roster {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Roster as an operator runs it (src/main.ts, LOG_FORMAT=json), its stdout and stderr captured line by line. */
function startRoster(env: Record<string, string>): Roster {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      ADMIN_TOKEN,
      AUDIT_CHAIN_KEY,
      HOST: '127.0.0.1',
      CRON_ENABLED: 'false',
      DATABASE_MIGRATE_ON_BOOT: 'false',
      SCIM_RATE_LIMIT_PER_SECOND: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      lines.push(...parts.filter((l) => l !== ''));
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('an operable process: JSON logs, metrics, liveness/readiness, draining on SIGTERM', () => {
  let roster: Roster;
  let port: number;
  let metricsPort: number;
  let http: HttpClient;
  let admin: HttpClient;
  let tenant: TenantFixture;

  beforeAll(async () => {
    port = await freePort();
    metricsPort = await freePort();
    roster = startRoster({
      DATABASE_URL: process.env.ROSTER_TEST_DATABASE_URL!,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      METRICS_PORT: String(metricsPort),
      SHUTDOWN_DRAIN_MS: '1500',
    });
    await expectEventually(() => expect(roster.lines.some((l) => l.includes('Roster ready'))).toBe(true), 90_000, 100);
    http = new HttpClient(`http://127.0.0.1:${port}`);
    admin = http.withToken(ADMIN_TOKEN);
    tenant = await createTenantWithConnection(admin);
  }, 120_000);

  afterAll(async () => {
    if (roster.child.exitCode === null) roster.child.kill('SIGKILL');
    await roster.exited;
  });

  it('boots with JSON lines only, and one ready line instead of a line per route', () => {
    const lines = parsed(roster.lines);
    const all = roster.lines.join('\n');
    expect(all).not.toMatch(/Mapped \{|dependencies initialized/);
    expect(all).not.toContain('\u001b['); // no colour codes
    const ready = lines.find((l) => String(l.msg).startsWith('Roster ready'))!;
    expect(ready).toMatchObject({
      level: 'info',
      url: `http://127.0.0.1:${port}`,
      tenantUrl: `http://127.0.0.1:${port}/scim/v2/<connectionId>`,
      adminToken: 'ADMIN_TOKEN environment variable',
      auditChainKey: 'AUDIT_CHAIN_KEY environment variable',
      console: `http://127.0.0.1:${port}/console`,
      metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    });
    expect(new Date(String(ready.time)).toISOString()).toBe(ready.time);
  });

  it('logs one line per request: route pattern, status, time, SCIM connection and operation — never a token, a query string or a body', async () => {
    const scim = new ScimClient(http.baseUrl, tenant);
    const userName = `secret.person@${tenant.domain}`;
    const created = await scim.post('/Users', entraUser({ userName }), { 'x-request-id': 'ops-create-1' });
    expect(created.status).toBe(201);
    const patched = await scim.patch(
      `/Users/${created.body.id}`,
      patchOp({ op: 'replace', path: 'active', value: false }),
    );
    expect([200, 204]).toContain(patched.status);
    const filtered = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(filtered.status).toBe(200);
    const wrongToken = 'rst_' + 'W'.repeat(43);
    expect((await scim.http.withToken(wrongToken).get(`${scim.prefix}/Groups`)).status).toBe(401);
    expect((await http.withToken('not-the-admin-token-at-all-0123456789').get('/admin/v1/tenants/x')).status).toBe(401);
    expect((await admin.get(`/admin/v1/tenants/${tenant.tenantId}`)).status).toBe(200);

    await expectEventually(
      () => expect(roster.lines.filter((l) => l.includes('"route":"/admin/v1/tenants/:tenantId"')).length).toBe(2),
      5000,
    );
    const requests = parsed(roster.lines).filter((l) => l.msg === 'request');
    const create = requests.find((l) => l.reqId === 'ops-create-1');
    expect(create).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/scim/v2/:connectionId/Users',
      status: 201,
      connectionId: tenant.connectionId,
      op: 'create user',
    });
    expect(typeof create!.ms).toBe('number');
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          route: '/scim/v2/:connectionId/Users/:id',
          op: 'patch user',
          status: patched.status,
        }),
        expect.objectContaining({ route: '/scim/v2/:connectionId/Users', op: 'list users', status: 200 }),
        expect.objectContaining({ route: '/scim/v2/:connectionId/Groups', op: 'list groups', status: 401 }),
        expect.objectContaining({ route: '/admin/v1/tenants/:tenantId', status: 401 }),
      ]),
    );
    const all = roster.lines.join('\n');
    for (const secret of [
      tenant.token,
      wrongToken,
      ADMIN_TOKEN,
      AUDIT_CHAIN_KEY,
      'not-the-admin-token',
      userName,
      'secret.person',
      'filter=',
    ]) {
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  it('serves Prometheus metrics on METRICS_PORT only, after real traffic', async () => {
    expect((await http.get('/metrics')).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const c = tenant.connectionId;
    expect(text).toContain(`roster_scim_requests_total{connection="${c}",operation="create user",status="201"} 1`);
    expect(text).toMatch(
      new RegExp(`roster_scim_requests_total\\{connection="${c}",operation="patch user",status="20[04]"\\} 1`),
    );
    expect(text).toContain(`roster_scim_requests_total{connection="",operation="list groups",status="401"} 1`);
    expect(text).toMatch(/roster_auth_failures_total\{api="scim"\} 1\n/);
    expect(text).toMatch(/roster_auth_failures_total\{api="admin"\} 1\n/);
    expect(text).toMatch(
      /roster_http_request_duration_seconds_count\{method="POST",route="\/scim\/v2\/:connectionId\/Users",status="201"\} 1\n/,
    );
    expect(text).toMatch(/roster_outbox_backlog\{lane="urgent"\} \d+/);
    expect(text).toMatch(/roster_outbox_backlog\{lane="normal"\} \d+/);
    expect(text).toMatch(/process_cpu_user_seconds_total \d/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    // The admin actions' and the SCIM writes' audit entries, once the relay delivered them.
    await expectEventually(
      async () => {
        const again = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(Number(/roster_audit_entries_written_total (\d+)/.exec(again)?.[1] ?? 0)).toBeGreaterThanOrEqual(4);
        expect(again).toMatch(/roster_event_delivery_lag_seconds_count\{lane="urgent"\} [1-9]/);
      },
      15_000,
      200,
    );
  });

  it('live and ready answer 200; on SIGTERM ready turns 503 while live stays 200, then the process stops with JSON lines', async () => {
    expect((await http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' } },
    });
    expect((await http.get('/health')).status).toBe(200);

    roster.child.kill('SIGTERM');
    await expectEventually(async () => expect((await http.get('/health/ready')).status).toBe(503), 1000, 20);
    const draining = await http.get('/health/ready');
    expect(draining.body).toMatchObject({ status: 'error', error: { shutdown: { status: 'down' } } });
    expect((await http.get('/health/live')).status).toBe(200);
    expect(await roster.exited).toBe(0);
    const messages = parsed(roster.lines).map((l) => l.msg);
    expect(messages.indexOf('SIGTERM received, shutting down')).toBeGreaterThan(0);
    expect(messages[messages.length - 1]).toBe('stopped');
  }, 30_000);
});

describe('start-up failures are JSON lines too', () => {
  it('an invalid environment: one fatal JSON line listing the problems, exit 78', async () => {
    const r = startRoster({ PORT: 'not-a-port', METRICS_PORT: '0' });
    expect(await r.exited).toBe(78);
    const lines = parsed(r.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'fatal',
      context: 'Bootstrap',
      problems: [expect.stringContaining('PORT')],
    });
  }, 60_000);

  it('DATABASE_URL without AUDIT_CHAIN_KEY: one fatal JSON line naming it, exit 1', async () => {
    const r = startRoster({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/roster',
      AUDIT_CHAIN_KEY: '',
      METRICS_PORT: '0',
      PORT: String(await freePort()),
    });
    expect(await r.exited).toBe(1);
    const lines = parsed(r.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'fatal',
      msg: expect.stringContaining('AUDIT_CHAIN_KEY is required when DATABASE_URL is set'),
    });
  }, 60_000);

  it('a database that refuses connections: a fatal JSON line, exit 1', async () => {
    const closed = await freePort();
    const r = startRoster({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/roster`,
      DATABASE_MIGRATE_ON_BOOT: 'true',
      METRICS_PORT: '0',
      PORT: String(await freePort()),
    });
    expect(await r.exited).toBe(1);
    const lines = parsed(r.lines);
    expect(lines[lines.length - 1]).toMatchObject({ level: 'fatal', msg: expect.stringContaining('failed to start') });
  }, 60_000);
});
