import { createHash } from 'node:crypto';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';

describe('API keys', () => {
  let t: TestApp;
  let replica: TestApp;
  // Every line the apps log, at their most verbose: kept to look for secrets in them.
  const output: string[] = [];
  const logs = { write: (line: string) => void output.push(line) };

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'json' }, [], { logs });
    replica = await createTestApp({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'json' }, [], { logs });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), replica?.close()]);
  });

  it('creates a key: 201 with the secret once (rak_ + 256 random bits), usable at once', async () => {
    const f = await createTenantWithConnection(t.admin);
    const res = await t.admin.post('/admin/v1/api-keys', {
      name: 'CI pipeline',
      scope: 'tenant',
      tenantId: f.tenantId,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'CI pipeline',
      scope: 'tenant',
      tenantId: f.tenantId,
      key: expect.stringMatching(/^rak_[A-Za-z0-9_-]{43}$/),
      prefix: res.body.key.slice(0, 12),
      createdAt: expect.any(String),
    });
    const use = await t.http.withToken(res.body.key).get(`/admin/v1/tenants/${f.tenantId}`);
    expect(use.status).toBe(200);
    // Two keys never share a secret.
    const again = await t.admin.post('/admin/v1/api-keys', { name: 'x', scope: 'tenant', tenantId: f.tenantId });
    expect(again.body.key).not.toBe(res.body.key);
  });

  it('lists keys without the secret or its hash, with prefix and lastUsedAt', async () => {
    const f = await createTenantWithConnection(t.admin);
    const created = await t.admin.post('/admin/v1/api-keys', { name: 'Host', scope: 'sessions', tenantId: f.tenantId });
    const secret = created.body.key as string;
    const hashHex = createHash('sha256').update(secret).digest('hex');
    await t.http.withToken(secret).post('/v1/sessions/introspect', { token: 'x'.repeat(40) });
    await expectEventually(async () => {
      const list = await t.admin.get(`/admin/v1/api-keys?tenantId=${f.tenantId}`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({
        items: [
          {
            id: created.body.id,
            name: 'Host',
            scope: 'sessions',
            tenantId: f.tenantId,
            prefix: secret.slice(0, 12),
            createdAt: created.body.createdAt,
            createdByKeyId: 'bootstrap',
            lastUsedAt: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      expect(list.text).not.toContain(secret.slice(12));
      expect(list.text).not.toContain(hashHex);
    });
    const all = await t.admin.get('/admin/v1/api-keys?limit=1000');
    expect(all.text).not.toContain(secret.slice(12));
    // A tenant key lists its own tenant's keys only.
    const tenantKey = await t.admin.post('/admin/v1/api-keys', { name: 'T', scope: 'tenant', tenantId: f.tenantId });
    const own = await t.http.withToken(tenantKey.body.key).get('/admin/v1/api-keys');
    expect(own.status).toBe(200);
    expect(new Set(own.body.items.map((k: { tenantId: string }) => k.tenantId))).toEqual(new Set([f.tenantId]));
    expect(own.body.items).toHaveLength(2);
  });

  it('pages the list with a cursor', async () => {
    const f = await createTenantWithConnection(t.admin);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const k = await t.admin.post('/admin/v1/api-keys', { name: `k${i}`, scope: 'tenant', tenantId: f.tenantId });
      ids.push(k.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.admin.get(
        `/admin/v1/api-keys?tenantId=${f.tenantId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((k) => k.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await t.admin.get('/admin/v1/api-keys?cursor=nonsense')).status).toBe(400);
  });

  describe('bad input is 400/403/404 with {error, message, details}, never 500', () => {
    it.each([
      ['an unknown scope', { name: 'x', scope: 'root' }, 'scope'],
      ['a missing name', { scope: 'admin' }, 'name'],
      ['a blank name', { name: '   ', scope: 'admin' }, 'name'],
      ['a malformed tenantId', { name: 'x', scope: 'tenant', tenantId: 'nope' }, 'tenantId'],
      ['a tenant key without tenantId', { name: 'x', scope: 'tenant' }, 'tenantId'],
      ['a sessions key without tenantId', { name: 'x', scope: 'sessions' }, 'tenantId'],
      [
        'an admin key with a tenantId',
        { name: 'x', scope: 'admin', tenantId: '00000000-0000-4000-8000-000000000000' },
        'tenantId',
      ],
      ['an unknown field', { name: 'x', scope: 'admin', extra: 1 }, 'extra'],
    ])('%s → 400 naming the field', async (_, body, field) => {
      const res = await t.admin.post('/admin/v1/api-keys', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('an unknown tenant → 404', async () => {
      const res = await t.admin.post('/admin/v1/api-keys', {
        name: 'x',
        scope: 'tenant',
        tenantId: '00000000-0000-4000-8000-000000000000',
      });
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    });

    it('only admin keys mint or revoke keys (403); a tenant key asking for another tenant’s keys → 404', async () => {
      const [a, b] = await Promise.all([createTenantWithConnection(t.admin), createTenantWithConnection(t.admin)]);
      const tenantKey = (await t.admin.post('/admin/v1/api-keys', { name: 'T', scope: 'tenant', tenantId: a.tenantId }))
        .body;
      const other = (await t.admin.post('/admin/v1/api-keys', { name: 'B', scope: 'tenant', tenantId: b.tenantId }))
        .body;
      const k = t.http.withToken(tenantKey.key);
      const mint = await k.post('/admin/v1/api-keys', { name: 'mine', scope: 'tenant', tenantId: a.tenantId });
      expect(mint.status).toBe(403);
      expect(mint.body).toMatchObject({ error: 'forbidden', message: expect.any(String), details: expect.any(Array) });
      expect((await k.delete(`/admin/v1/api-keys/${other.id}`)).status).toBe(403);
      expect((await k.post('/admin/v1/tenants', { name: 'mine' })).status).toBe(403);
      const list = await k.get(`/admin/v1/api-keys?tenantId=${b.tenantId}`);
      expect(list.status).toBe(404);
      expect(list.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
      // The other tenant's key still works: nothing was revoked.
      expect((await t.http.withToken(other.key).get(`/admin/v1/tenants/${b.tenantId}`)).status).toBe(200);
    });

    it.each(['not-a-uuid', '00000000-0000-4000-8000-000000000000'])('revoking %s → 404', async (id) => {
      const res = await t.admin.delete(`/admin/v1/api-keys/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    });

    it.each([
      ['an unknown rak_ key', `rak_${'A'.repeat(43)}`],
      ['a malformed bearer', 'rak_short'],
      ['a SCIM-token-shaped secret', `rst_${'A'.repeat(43)}`],
    ])('%s → 401', async (_, secret) => {
      const res = await t.http.withToken(secret).get('/admin/v1/tenants');
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('unauthorized');
    });
  });

  it('a revoked key is refused from that moment, on every replica (two apps, one database)', async () => {
    const f = await createTenantWithConnection(t.admin);
    for (let round = 0; round < 5; round++) {
      const key = (
        await t.admin.post('/admin/v1/api-keys', { name: `r${round}`, scope: 'tenant', tenantId: f.tenantId })
      ).body;
      const onReplica = replica.http.withToken(key.key);
      const onT = t.http.withToken(key.key);
      // Both replicas have verified — and cached — the key.
      expect((await onReplica.get(`/admin/v1/tenants/${f.tenantId}`)).status).toBe(200);
      expect((await onT.get(`/admin/v1/tenants/${f.tenantId}`)).status).toBe(200);
      expect((await onReplica.get(`/admin/v1/tenants/${f.tenantId}`)).status).toBe(200);
      // Revoked through one replica (alternately), refused by both in the very next request.
      const [via, other] = round % 2 === 0 ? [t, replica] : [replica, t];
      expect((await via.admin.delete(`/admin/v1/api-keys/${key.id}`)).status).toBe(204);
      const [a, b] = await Promise.all([
        other.http.withToken(key.key).get(`/admin/v1/tenants/${f.tenantId}`),
        via.http.withToken(key.key).get(`/admin/v1/tenants/${f.tenantId}`),
      ]);
      expect([a.status, b.status]).toEqual([401, 401]);
      // Revoking twice is a 404: it is gone from the list.
      expect((await other.admin.delete(`/admin/v1/api-keys/${key.id}`)).status).toBe(404);
    }
  });

  it('audits session.created with the sessions key as actor and the member as subject, never the session token', async () => {
    const f = await createTenantWithConnection(t.admin);
    const email = `grace@${f.domain}`;
    expect((await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email })).status).toBe(201);
    const key = (
      await t.admin.post('/admin/v1/api-keys', { name: 'Host backend', scope: 'sessions', tenantId: f.tenantId })
    ).body;
    const session = await t.http.withToken(key.key).post('/v1/sessions', { email: email.toUpperCase() });
    expect(session.status).toBe(201);
    let entry: Record<string, any> | undefined;
    await expectEventually(async () => {
      await t.drainOutbox();
      const trail = await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&action=session.created`);
      entry = trail.body.items[0];
      expect(entry).toBeDefined();
      expect(trail.text).not.toContain(session.body.token);
    }, 15_000);
    expect(entry).toMatchObject({
      actor: { type: 'admin', keyId: key.id, keyName: 'Host backend', scope: 'sessions' },
      target: { type: 'account' },
      targetLabel: email,
      details: { sessionId: session.body.id, email, expiresAt: session.body.expiresAt },
    });
  });

  it('names the key in the audit actor, and no secret reaches the logs, the outbox or the trail', async () => {
    const f = await createTenantWithConnection(t.admin);
    const key = (
      await t.admin.post('/admin/v1/api-keys', { name: 'Ops laptop', scope: 'tenant', tenantId: f.tenantId })
    ).body;
    const site = await t.http.withToken(key.key).post(`/admin/v1/tenants/${f.tenantId}/sites`, { name: 'Bergen' });
    expect(site.status).toBe(201);
    await t.http.withToken(key.key).get(`/admin/v1/tenants/${f.tenantId}/sites`);
    expect((await t.admin.delete(`/admin/v1/api-keys/${key.id}`)).status).toBe(204);
    // Another suite's relay may hold some of these events a moment (a shared outbox): poll.
    let trail = await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&limit=1000`);
    const byAction = (action: string) => trail.body.items.find((e: { action: string }) => e.action === action);
    await expectEventually(async () => {
      await t.drainOutbox();
      trail = await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&limit=1000`);
      expect(byAction('api_key.revoked')).toBeDefined();
      expect(byAction('site.created')).toBeDefined();
    }, 15_000);
    expect(byAction('site.created').actor).toEqual({
      type: 'admin',
      keyId: key.id,
      keyName: 'Ops laptop',
      scope: 'tenant',
    });
    expect(byAction('api_key.created')).toMatchObject({
      actor: { type: 'admin', keyId: 'bootstrap', keyName: 'bootstrap', scope: 'admin' },
      target: { type: 'api_key', id: key.id },
    });
    expect(byAction('api_key.revoked')).toMatchObject({ target: { type: 'api_key', id: key.id } });
    const hashHex = createHash('sha256').update(key.key).digest('hex');
    const secretPart = (key.key as string).slice(12);
    const csv = await t.admin.get(`/admin/v1/audit-events/export?tenantId=${f.tenantId}&format=csv`);
    const outbox: Array<{ text: string }> = await t.dataSource.query(
      `SELECT payload::text || actor::text AS text FROM test_outbox_log WHERE tenant_id = $1`,
      [f.tenantId],
    );
    for (const text of [trail.text, csv.text, ...outbox.map((r) => r.text), output.join('')]) {
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain(hashHex);
    }
    // The request log names the key that called (its id), never its secret.
    const requestLines = output.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.keyId === key.id);
    expect(requestLines.length).toBeGreaterThan(0);
  });
});
