import { createHash, randomBytes } from 'node:crypto';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { deliveredOutboxRows, redeliverOutboxRows } from '../../utils/outbox-history';
import { expectEventually } from '../../utils/expect-eventually';
import type { HttpResult } from '../../utils/http-client';
import { patchOp, ScimClient } from '../../utils/scim-client';
import { csvObjects, parseCsv } from './audit-csv';

/**
 * The audit trail over HTTP, in the run's shared database: suites isolate by tenant (and filter
 * exports by tenant or time). Chain verification and pruning need a chain of their own: see
 * audit-chain.e2e-spec.ts.
 */
interface Entry {
  id: string;
  sequence: number;
  occurredAt: string;
  tenantId: string | null;
  actor: { type: string; connectionId?: string; tokenId?: string; keyId?: string; keyName?: string; scope?: string };
  action: string;
  target: { type: string; id: string } | null;
  targetLabel: string | null;
  subject: { userName: string | null; email: string | null; accountId: string | null } | null;
  summary: string;
  details: Record<string, any>;
  correlationId: string | null;
  sourceIp: string | null;
  eventId: string | null;
  prevHash: string;
  hash: string;
}

const CSV_HEADER = [
  'sequence',
  'id',
  'occurred_at',
  'tenant_id',
  'actor_type',
  'actor_connection_id',
  'actor_token_id',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'summary',
  'details',
  'correlation_id',
  'source_ip',
  'event_id',
  'prev_hash',
  'hash',
  'actor_key_id',
  'actor_key_name',
  'actor_scope',
  'subject_email',
  'subject_user_name',
  'subject_account_id',
];

/** The ADMIN_TOKEN, as every admin actor names the API key that acted. */
const BOOTSTRAP_ACTOR = { type: 'admin', keyId: 'bootstrap', keyName: 'bootstrap', scope: 'admin' };

describe('Audit trail (admin API)', () => {
  let t: TestApp;
  // A database of its own: drainOutbox() then waits for this suite's events only, not for the
  // stream other suites keep writing into a shared outbox.
  beforeAll(async () => {
    // The proxy chain is believed (TRUST_PROXY): the X-Forwarded-For case below reaches the trail.
    t = await createIsolatedTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const requestId = (prefix = 'audit') => `${prefix}-${randomBytes(6).toString('hex')}`;
  const list = async (query: string): Promise<Entry[]> => {
    const res = await t.admin.get(`/admin/v1/audit-events?limit=1000&${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  /** Waits until the tenant's trail holds every action in `actions` (events are delivered asynchronously, by any replica). */
  const trailOf = async (tenantId: string, actions: string[], count?: number): Promise<Entry[]> => {
    await t.drainOutbox();
    let items: Entry[] = [];
    await expectEventually(
      async () => {
        items = await list(`tenantId=${tenantId}`);
        const have = items.map((i) => i.action);
        for (const a of actions) expect(have).toContain(a);
        if (count !== undefined) expect(items).toHaveLength(count);
      },
      15000,
      50,
    );
    return items;
  };
  const exportText = async (query: string) => {
    const res = await t.admin.get(`/admin/v1/audit-events/export?${query}`);
    expect(res.status).toBe(200);
    return res;
  };

  describe('admin actions', () => {
    it('records tenant, connection and token changes with actor admin, the x-request-id and the source IP', async () => {
      const rid = requestId();
      const h = { 'x-request-id': rid };
      const tenant = (
        await t.admin.post('/admin/v1/tenants', { name: 'Audit Admin Co', ssoDomains: ['audit-admin.example'] }, h)
      ).body;
      const conn = (await t.admin.post(`/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'Entra ID' }, h))
        .body;
      const first = (await t.admin.post(`/admin/v1/scim-connections/${conn.id}/tokens`, { name: 'first' }, h)).body;
      const rotated = await t.admin.post(
        `/admin/v1/scim-connections/${conn.id}/tokens/${first.id}/rotate`,
        undefined,
        h,
      );
      expect(rotated.status).toBe(201);
      const second = (await t.admin.post(`/admin/v1/scim-connections/${conn.id}/tokens`, { name: 'second' }, h)).body;
      expect((await t.admin.delete(`/admin/v1/scim-connections/${conn.id}/tokens/${second.id}`, h)).status).toBe(204);
      expect(
        (
          await t.admin.patch(
            `/admin/v1/tenants/${tenant.id}`,
            { name: 'Audit Admin Co 2', ssoDomains: ['audit-admin2.example'] },
            h,
          )
        ).status,
      ).toBe(200);
      expect((await t.admin.delete(`/admin/v1/scim-connections/${conn.id}`, h)).status).toBe(204);

      const actions = [
        'tenant.created',
        'scim_connection.created',
        'token.issued',
        'token.rotated',
        'token.revoked',
        'tenant.updated',
        'scim_connection.deleted',
      ];
      const items = await trailOf(tenant.id, actions, 8); // token.issued twice
      for (const e of items) {
        expect(e.actor).toEqual(BOOTSTRAP_ACTOR);
        expect(e.correlationId).toBe(rid);
        expect(e.sourceIp).toBe('127.0.0.1');
        expect(e.tenantId).toBe(tenant.id);
        expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.summary.length).toBeGreaterThan(10);
      }
      const by = (action: string) => items.filter((i) => i.action === action);
      expect(by('tenant.created')[0]).toMatchObject({
        target: { type: 'tenant', id: tenant.id },
        targetLabel: 'Audit Admin Co',
        details: { ssoDomains: ['audit-admin.example'] },
      });
      expect(by('tenant.updated')[0]).toMatchObject({
        details: {
          changedAttributes: expect.arrayContaining(['name', 'ssoDomains']),
          changes: [
            { attribute: 'name', old: 'Audit Admin Co', new: 'Audit Admin Co 2' },
            {
              attribute: 'ssoDomains',
              added: ['audit-admin2.example'],
              removed: ['audit-admin.example'],
              addedCount: 1,
              removedCount: 1,
            },
          ],
        },
      });
      expect(by('scim_connection.created')[0]).toMatchObject({
        target: { type: 'scim_connection', id: conn.id },
        targetLabel: 'Entra ID',
      });
      expect(
        by('token.issued')
          .map((e) => e.target!.id)
          .sort(),
      ).toEqual([first.id, second.id].sort());
      expect(by('token.rotated')[0]).toMatchObject({
        target: { type: 'scim_token', id: first.id },
        details: { oldTokenId: first.id, newTokenId: rotated.body.id },
      });
      expect(by('token.revoked')[0]).toMatchObject({
        target: { type: 'scim_token', id: second.id },
        details: { connectionId: conn.id },
      });
      expect(by('scim_connection.deleted')[0]).toMatchObject({
        target: { type: 'scim_connection', id: conn.id },
        details: { revokedTokenIds: [rotated.body.id] },
      });
    });
  });

  describe('SCIM mutations', () => {
    it('records every user and group mutation with actor scim (connection + token), attribute names and the request id', async () => {
      const f = await createTenantWithConnection(t.admin);
      const scim = new ScimClient(t.baseUrl, f);
      const rid = requestId('scim');
      const h = { 'x-request-id': rid };
      const user = await scim.post('/Users', entraUser({}, f.domain), h);
      expect(user.status).toBe(201);
      const uid = user.body.id;
      expect(
        (await scim.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'displayName', value: 'Renamed User' }), h))
          .status,
      ).toBeLessThan(300);
      expect(
        (await scim.patch(`/Users/${uid}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }), h)).status,
      ).toBeLessThan(300);
      expect(
        (await scim.patch(`/Users/${uid}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }), h)).status,
      ).toBeLessThan(300);
      const group = await scim.post('/Groups', entraGroup(), h);
      expect(group.status).toBe(201);
      const gid = group.body.id;
      expect(
        (await scim.patch(`/Groups/${gid}`, patchOp({ op: 'Add', path: 'members', value: [{ value: uid }] }), h))
          .status,
      ).toBe(204);
      expect(
        (await scim.patch(`/Groups/${gid}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Renamed Group' }), h))
          .status,
      ).toBe(204);
      expect((await scim.delete(`/Groups/${gid}`, h)).status).toBe(204);
      expect((await scim.delete(`/Users/${uid}`, h)).status).toBe(204);

      const scimActions = [
        'scim_user.created',
        'scim_user.updated',
        'scim_user.deactivated',
        'scim_user.reactivated',
        'scim_user.deleted',
        'scim_group.created',
        'scim_group.members_changed',
        'scim_group.updated',
        'scim_group.deleted',
      ];
      const items = (await trailOf(f.tenantId, scimActions, 14)).filter((e) => /^scim_(user|group)\./.test(e.action));
      for (const e of items) {
        expect(e.actor).toEqual({ type: 'scim', connectionId: f.connectionId, tokenId: f.tokenId });
        expect(e.correlationId).toBe(rid);
        expect(e.details.connectionId).toBe(f.connectionId);
      }
      const by = (action: string) => items.filter((i) => i.action === action);
      expect(by('scim_user.created')[0]).toMatchObject({
        target: { type: 'scim_user', id: uid },
        targetLabel: user.body.externalId,
        details: { externalId: user.body.externalId, active: true },
      });
      const changed = by('scim_user.updated').map((e) => e.details.changedAttributes as string[]);
      expect(changed).toEqual(
        expect.arrayContaining([expect.arrayContaining(['displayName']), expect.arrayContaining(['active'])]),
      );
      expect(by('scim_user.deactivated')).toHaveLength(1);
      expect(by('scim_user.reactivated')).toHaveLength(1);
      expect(by('scim_group.members_changed')[0]).toMatchObject({
        target: { type: 'scim_group', id: gid },
        details: { added: [uid], addedCount: 1, removedCount: 0 },
      });
      expect(by('scim_group.updated')[0].details.changedAttributes).toContain('displayName');
      expect(by('scim_group.deleted')[0].target).toEqual({ type: 'scim_group', id: gid });
      expect(by('scim_user.deleted')[0].target).toEqual({ type: 'scim_user', id: uid });
    });
  });

  describe('sync runs', () => {
    it('records a manual run, its provision and skip decisions, under the admin who started it', async () => {
      const f = await createTenantWithConnection(t.admin);
      const scim = new ScimClient(t.baseUrl, f);
      const inside = entraUser({}, f.domain);
      const outside = entraUser({}, 'elsewhere.example');
      expect((await scim.post('/Users', inside)).status).toBe(201);
      expect((await scim.post('/Users', outside)).status).toBe(201);
      const rid = requestId('sync');
      const run = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`, undefined, {
        'x-request-id': rid,
      });
      expect(run.status).toBe(202);
      await expectEventually(
        async () => expect((await t.admin.get(`/admin/v1/sync-runs/${run.body.id}`)).body.status).toBe('completed'),
        20000,
        100,
      );
      const items = (
        await trailOf(f.tenantId, ['sync_run.started', 'member.provisioned', 'member.skipped', 'sync_run.completed'])
      ).filter((e) => e.action.startsWith('sync_run.') || e.action.startsWith('member.'));
      for (const e of items) {
        expect(e.actor).toEqual(BOOTSTRAP_ACTOR);
        expect(e.correlationId).toBe(rid);
      }
      const by = (action: string) => items.find((i) => i.action === action)!;
      expect(by('sync_run.started').target).toEqual({ type: 'sync_run', id: run.body.id });
      expect(by('sync_run.completed').summary).toMatch(/provisioned 1/);
      expect(by('member.skipped').details.skips).toEqual([expect.objectContaining({ reason: 'domain_not_allowed' })]);
      expect(by('member.provisioned').details).toMatchObject({ connectionId: f.connectionId, syncRunId: run.body.id });
    });
  });

  describe('secrets', () => {
    it('never writes a SCIM token secret (or its hash) into the trail, in CSV or NDJSON', async () => {
      const f = await createTenantWithConnection(t.admin);
      const rotated = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens/${f.tokenId}/rotate`);
      expect(rotated.status).toBe(201);
      const extra = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/tokens`, { name: 'extra' });
      expect(extra.status).toBe(201);
      expect(
        (await t.admin.delete(`/admin/v1/scim-connections/${f.connectionId}/tokens/${extra.body.id}`)).status,
      ).toBe(204);
      // The rotated token in use, so SCIM entries carry its id.
      const scim = new ScimClient(t.baseUrl, { connectionId: f.connectionId, token: rotated.body.token });
      expect((await scim.post('/Users', entraUser({}, f.domain))).status).toBe(201);
      await trailOf(f.tenantId, ['token.issued', 'token.rotated', 'token.revoked', 'scim_user.created']);

      const secrets = [f.token, rotated.body.token, extra.body.token];
      for (const s of secrets) expect(s).toMatch(/^rst_/);
      const forbidden = secrets.flatMap((s) => [
        s,
        s.slice(4),
        createHash('sha256').update(s).digest('hex'),
        createHash('sha256').update(s).digest('base64'),
      ]);
      for (const format of ['csv', 'ndjson']) {
        const everything = (await exportText(`format=${format}`)).text;
        const mine = (await exportText(`format=${format}&tenantId=${f.tenantId}`)).text;
        expect(mine).toContain(f.tokenId);
        expect(mine).toContain(rotated.body.id);
        for (const text of [everything, mine]) for (const s of forbidden) expect(text.includes(s)).toBe(false);
      }
    });
  });

  describe('CSV export', () => {
    it('streams RFC 4180 CSV with a header row, CRLF records and quoted commas, quotes and newlines', async () => {
      const tricky = 'Acme, "Quoted" Inc.\nSecond line\r\nThird';
      const f = await createTenantWithConnection(t.admin, { name: tricky });
      await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued']);
      const res = await exportText(`tenantId=${f.tenantId}&format=csv`);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(
        new RegExp(`^attachment; filename="audit-events-${f.tenantId}-\\d{8}T\\d{6}Z\\.csv"$`),
      );
      expect(res.text.startsWith(`${CSV_HEADER.join(',')}\r\n`)).toBe(true);
      expect(res.text.endsWith('\r\n')).toBe(true);
      expect(res.text).toContain('"Acme, ""Quoted"" Inc.\nSecond line\r\nThird"');
      const records = parseCsv(res.text); // strict: throws on anything but RFC 4180
      expect(records[0]).toEqual(CSV_HEADER);
      const rows = csvObjects(res.text);
      expect(rows).toHaveLength(3);
      const created = rows.find((r) => r.action === 'tenant.created')!;
      expect(created.target_label).toBe(tricky);
      expect(created.summary).toBe(`Tenant "${tricky}" created with SSO domains: ${f.domain}`);
      expect(JSON.parse(created.details)).toEqual({ name: tricky, ssoDomains: [f.domain] });
      expect(created).toMatchObject({
        tenant_id: f.tenantId,
        actor_type: 'admin',
        actor_connection_id: '',
        actor_token_id: '',
        actor_key_id: 'bootstrap',
        actor_key_name: 'bootstrap',
        actor_scope: 'admin',
        target_type: 'tenant',
        target_id: f.tenantId,
      });
      // The rows are the API's entries, field for field.
      const api = await list(`tenantId=${f.tenantId}`);
      expect(rows.map((r) => [Number(r.sequence), r.id, r.occurred_at, r.hash, r.prev_hash, r.event_id])).toEqual(
        api.map((e) => [e.sequence, e.id, e.occurredAt, e.hash, e.prevHash, e.eventId]),
      );
    });

    it('neutralises formula cells (= + - @ TAB CR) that reach the trail through tenant names, externalIds, request ids and X-Forwarded-For', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const names = ["=cmd|' /C calc'!A0", '+1', '-1', '@SUM(1)'];
      const tenants = [];
      for (const name of names) tenants.push(await createTenantWithConnection(t.admin, { name }));
      const f = tenants[0];
      const scim = new ScimClient(t.baseUrl, f);
      const tabId = `\tcalc-${randomBytes(3).toString('hex')}`;
      const crId = `\rcalc-${randomBytes(3).toString('hex')}`;
      const dashRequest = `-${randomBytes(6).toString('hex')}`;
      expect(
        (await scim.post('/Users', entraUser({ externalId: tabId }, f.domain), { 'x-request-id': dashRequest })).status,
      ).toBe(201);
      expect(
        (await scim.post('/Users', entraUser({ externalId: crId }, f.domain), { 'x-forwarded-for': '@1+1' })).status,
      ).toBe(201);
      for (const x of tenants) await trailOf(x.tenantId, ['tenant.created']);
      await trailOf(f.tenantId, ['scim_user.created']);
      await expectEventually(
        async () => expect((await list(`tenantId=${f.tenantId}&action=scim_user.created`)).length).toBe(2),
        15000,
        50,
      );

      const res = await exportText(`format=csv&from=${encodeURIComponent(since)}`);
      for (const name of names) expect(res.text).toContain(`"'${name.replace(/"/g, '""')}"`);
      const rows = csvObjects(res.text);
      const labels = rows.map((r) => r.target_label);
      for (const name of names) expect(labels).toContain(`'${name}`);
      expect(labels).toContain(`'${tabId}`);
      expect(labels).toContain(`'${crId}`);
      expect(rows.map((r) => r.correlation_id)).toContain(`'${dashRequest}`);
      // With TRUST_PROXY the source IP is what the proxy chain claims: caller-controlled too.
      expect(rows.map((r) => r.source_ip)).toContain(`'@1+1`);
      // No cell of the whole export begins with a formula character.
      const cells = parseCsv(res.text).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
      // NDJSON is data, not a spreadsheet: values stay exactly as recorded.
      const ndjson = (await exportText(`format=ndjson&from=${encodeURIComponent(since)}`)).text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Entry);
      expect(ndjson.map((e) => e.targetLabel)).toEqual(expect.arrayContaining([...names, tabId, crId]));
    });
  });

  describe('NDJSON export', () => {
    it('streams one API entry per line with application/x-ndjson and an attachment filename', async () => {
      const f = await createTenantWithConnection(t.admin);
      await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued']);
      const res = await exportText(`tenantId=${f.tenantId}&format=ndjson`);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson');
      expect(res.headers.get('content-disposition')).toMatch(
        new RegExp(`^attachment; filename="audit-events-${f.tenantId}-\\d{8}T\\d{6}Z\\.ndjson"$`),
      );
      expect(res.text.endsWith('\n')).toBe(true);
      const lines = res.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      // The last line is the signed head the export covers, the same as the response headers.
      const head = lines.pop();
      expect(lines).toEqual(await list(`tenantId=${f.tenantId}`));
      expect(head).toEqual({
        type: 'head',
        sequence: Number(res.headers.get('x-audit-head-sequence')),
        hash: res.headers.get('x-audit-head-hash'),
        at: res.headers.get('x-audit-head-at'),
        algorithm: 'Ed25519',
        signature: res.headers.get('x-audit-head-signature'),
        publicKey: res.headers.get('x-audit-head-public-key'),
      });
      expect(head.sequence).toBeGreaterThanOrEqual(lines[lines.length - 1].sequence);
      expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('filters the export by time window', async () => {
      const f = await createTenantWithConnection(t.admin);
      const items = await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued']);
      const sorted = [...items].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      const from = sorted[1].occurredAt;
      const lines = (await exportText(`tenantId=${f.tenantId}&format=ndjson&from=${from}`)).text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.type !== 'head');
      expect(lines.map((l) => l.id).sort()).toEqual(
        sorted
          .filter((e) => e.occurredAt >= from)
          .map((e) => e.id)
          .sort(),
      );
      const none = await exportText(`tenantId=${f.tenantId}&format=ndjson&to=2000-01-01T00:00:00Z`);
      expect(none.text.split('\n')).toEqual([expect.stringMatching(/^\{"type":"head",/), '']);
      const emptyCsv = await exportText(`tenantId=${f.tenantId}&format=csv&to=2000-01-01`);
      expect(emptyCsv.text).toBe(`${CSV_HEADER.join(',')}\r\n`);
    });

    it('refuses callers without the admin token', async () => {
      const res = await t.http.get('/admin/v1/audit-events/export?format=csv');
      expect(res.status).toBe(401);
      expect((await t.http.get('/admin/v1/audit-events')).status).toBe(401);
      expect((await t.http.get('/admin/v1/audit-events/verify')).status).toBe(401);
    });
  });

  describe('idempotency', () => {
    it('writes one entry when an event is redelivered, even past the per-handler inbox', async () => {
      const f = await createTenantWithConnection(t.admin);
      const before = await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued']);
      const created = before.find((e) => e.action === 'tenant.created')!;
      const byEvent = `event_id = $1`;
      // Redelivery: a lost acknowledgement puts the event's row back into the outbox.
      await expectEventually(
        async () => expect(await deliveredOutboxRows(t.dataSource, byEvent, [created.eventId])).toHaveLength(1),
        5000,
      );
      expect(await redeliverOutboxRows(t.dataSource, byEvent, [created.eventId])).toBe(1);
      await t.drainOutbox();
      // And a redelivery the inbox does not catch (the handler's processed_event row gone, if it wrote one).
      await t.dataSource.query(
        `DELETE FROM platform.processed_event WHERE event_id = $1 AND handler LIKE 'RecordAuditEntryListener.%'`,
        [created.eventId],
      );
      await expectEventually(
        async () => expect(await deliveredOutboxRows(t.dataSource, byEvent, [created.eventId])).toHaveLength(1),
        5000,
      );
      expect(await redeliverOutboxRows(t.dataSource, byEvent, [created.eventId])).toBe(1);
      await t.drainOutbox();
      await expectEventually(
        async () => {
          expect(
            await t.dataSource.query(`SELECT 1 FROM platform.outbox_message WHERE event_id = $1`, [created.eventId]),
          ).toHaveLength(0);
          expect(await deliveredOutboxRows(t.dataSource, byEvent, [created.eventId])).toHaveLength(1);
        },
        15000,
        50,
      );
      const after = await list(`tenantId=${f.tenantId}`);
      expect(after.filter((e) => e.eventId === created.eventId)).toHaveLength(1);
      expect(after).toHaveLength(before.length);
    });
  });

  describe('listing', () => {
    it('pages with a keyset cursor in chain order until nextCursor is null', async () => {
      const f = await createTenantWithConnection(t.admin);
      const scim = new ScimClient(t.baseUrl, f);
      for (let i = 0; i < 4; i++) expect((await scim.post('/Users', entraUser({}, f.domain))).status).toBe(201);
      await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued', 'scim_user.created'], 7);
      const all = await list(`tenantId=${f.tenantId}`);
      const seen: Entry[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: HttpResult<{ items: Entry[]; nextCursor: string | null }> = await t.admin.get(
          `/admin/v1/audit-events?tenantId=${f.tenantId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(all);
      const seqs = seen.map((e) => e.sequence);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });

    it('filters by action, exact or resource.*', async () => {
      const f = await createTenantWithConnection(t.admin);
      await trailOf(f.tenantId, ['tenant.created', 'scim_connection.created', 'token.issued']);
      expect((await list(`tenantId=${f.tenantId}&action=token.issued`)).map((e) => e.action)).toEqual(['token.issued']);
      expect((await list(`tenantId=${f.tenantId}&action=scim_connection.*`)).map((e) => e.action)).toEqual([
        'scim_connection.created',
      ]);
      expect(await list(`tenantId=${f.tenantId}&action=scim_user.created`)).toEqual([]);
    });

    it('finds a person by email or userName (any case) newest first, and filters by targetId, actorKeyId and correlationId', async () => {
      const f = await createTenantWithConnection(t.admin);
      const email = `ada.${randomBytes(3).toString('hex')}@${f.domain}`;
      const added = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email });
      expect(added.status).toBe(201);
      const key = (
        await t.admin.post('/admin/v1/api-keys', { name: 'Host backend', scope: 'sessions', tenantId: f.tenantId })
      ).body;
      const host = t.http.withToken(key.key);
      const rid = requestId('subject');
      const sessions = [
        await host.post('/v1/sessions', { email }, { 'x-request-id': rid }),
        await host.post('/v1/sessions', { email: email.toUpperCase() }),
        await host.post('/v1/sessions', { email }),
      ];
      expect(sessions.map((r) => r.status)).toEqual([201, 201, 201]);
      let created: Entry[] = [];
      let memberAdded: Entry | undefined;
      await expectEventually(async () => {
        const trail = await trailOf(f.tenantId, ['member.added', 'session.created']);
        memberAdded = trail.find((e) => e.action === 'member.added');
        created = trail.filter((e) => e.action === 'session.created');
        expect(created).toHaveLength(3);
      }, 15000);
      const accountId = created[0].target!.id;
      expect(created.map((e) => e.subject)).toEqual(Array(3).fill({ userName: null, email, accountId }));

      // One call answers "what happened to this person", newest first, whatever the case typed.
      // The member's addition names the person too (its email), before the sessions.
      const about = [memberAdded!, ...created];
      expect(memberAdded!.subject).toEqual({ userName: null, email, accountId });
      const found = await list(`subject=${encodeURIComponent(email.toUpperCase())}`);
      expect(found.map((e) => e.id)).toEqual(about.map((e) => e.id).reverse());
      expect(await list(`subject=${encodeURIComponent(email)}&order=asc`)).toEqual(about);
      expect(await list(`subject=${encodeURIComponent(`x${email}`)}`)).toEqual([]);

      // Keyset pages, newest first.
      const seen: Entry[] = [];
      let cursor: string | null = null;
      do {
        const res: HttpResult<{ items: Entry[]; nextCursor: string | null }> = await t.admin.get(
          `/admin/v1/audit-events?subject=${encodeURIComponent(email)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        if (cursor) {
          // A cursor keeps its order: the same cursor with the other order is refused.
          const other = await t.admin.get(
            `/admin/v1/audit-events?subject=${encodeURIComponent(email)}&order=asc&cursor=${cursor}`,
          );
          expect(other.status).toBe(400);
          expect(other.body.details[0].field).toBe('cursor');
        }
      } while (cursor);
      expect(seen).toEqual(found);

      expect((await list(`targetId=${accountId}`)).map((e) => e.action)).toEqual([
        'session.created',
        'session.created',
        'session.created',
      ]);
      expect((await list(`actorKeyId=${key.id}`)).map((e) => e.id)).toEqual(created.map((e) => e.id));
      const byBootstrap = (await list(`tenantId=${f.tenantId}&actorKeyId=bootstrap`)).map((e) => e.action);
      expect(byBootstrap).toEqual(
        expect.arrayContaining(['tenant.created', 'scim_connection.created', 'token.issued', 'member.added']),
      );
      expect(byBootstrap).not.toContain('session.created');
      expect(await list(`correlationId=${rid}`)).toEqual([created[0]]);

      // The reviewer's grep: the CSV names the person in its own columns; NDJSON carries `subject`.
      const csv = csvObjects((await exportText(`tenantId=${f.tenantId}&format=csv`)).text);
      const rows = csv.filter((r) => r.subject_email === email);
      expect(rows.map((r) => r.action)).toEqual([
        'member.added',
        'session.created',
        'session.created',
        'session.created',
      ]);
      expect(rows.every((r) => r.subject_account_id === accountId && r.subject_user_name === '')).toBe(true);
      const bySubject = csvObjects((await exportText(`subject=${encodeURIComponent(email)}&format=csv`)).text);
      expect(bySubject.map((r) => r.id)).toEqual(about.map((e) => e.id));
      const ndjson = (await exportText(`subject=${encodeURIComponent(email)}&format=ndjson`)).text
        .split('\n')
        .filter((l) => l.startsWith('{"id"'))
        .map((l) => JSON.parse(l));
      expect(ndjson).toEqual(about);
    });

    it.each([
      ['subject=', 'subject'],
      ['subject=a%01b', 'subject'],
      [`subject=${'a'.repeat(321)}`, 'subject'],
      ['targetId=', 'targetId'],
      [`targetId=${'x'.repeat(257)}`, 'targetId'],
      ['actorKeyId=nobody', 'actorKeyId'],
      ['correlationId=a%0Ab', 'correlationId'],
      ['order=sideways', 'order'],
      ['subject=a&subject=b', 'subject'],
    ])('refuses %s with 400 naming %s', async (query, field) => {
      const res = await t.admin.get(`/admin/v1/audit-events?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it.each([
      ['tenantId=not-a-uuid', 'tenantId'],
      ['from=yesterday', 'from'],
      ['to=2025-13-01T00:00:00Z', 'to'],
      ['from=2025-01-01T10:00:00', 'from'],
      ['from=2025-02-01&to=2025-01-01', 'to'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['action=DROP TABLE', 'action'],
      ['unknown=1', 'unknown'],
    ])('refuses %s with 400 naming %s', async (query, field) => {
      const res = await t.admin.get(`/admin/v1/audit-events?${query.replace(/ /g, '%20')}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it.each([
      ['export?format=xml', 'format'],
      ['export?from=31/01/2025', 'from'],
      ['export?tenantId=1', 'tenantId'],
      ['verify?to=soon', 'to'],
      ['verify?from=2025-02-01&to=2025-01-01', 'to'],
      ['verify?tenantId=0b7e2c1a-1111-4222-8333-944455556666', 'tenantId'],
    ])('refuses %s with 400 naming %s', async (path, field) => {
      const res = await t.admin.get(`/admin/v1/audit-events/${path}`);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });
});
