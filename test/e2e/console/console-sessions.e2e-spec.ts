import { createHash } from 'node:crypto';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';

/** The console's cookie session at the HTTP level: what a browser or a forger could send. */
describe('console sessions (cookie sign-in, CSRF defence, sign-out)', () => {
  let t: TestApp;
  let origin: string;
  const consoleHeaders = (extra: Record<string, string> = {}) => ({ 'x-roster-console': '1', origin, ...extra });

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://roster.test' });
    origin = t.baseUrl;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function signIn(apiKey = TEST_ADMIN_TOKEN) {
    const res = await t.http.post('/admin/v1/console-sessions', { apiKey }, consoleHeaders());
    const setCookie = res.headers.get('set-cookie') ?? '';
    return { res, setCookie, cookie: setCookie.split(';')[0] };
  }

  /** The stored SHA-256 of a cookie's session id. */
  const hash = (cookie: string) => createHash('sha256').update(cookie.split('=')[1]).digest();

  /** Moves one session past its idle expiry and another past its absolute expiry. */
  async function expireSessions(idleCookie: string, absoluteCookie: string): Promise<void> {
    await t.dataSource.query(
      `UPDATE console.console_session SET idle_expires_at = now() - interval '1 second' WHERE id_hash = $1`,
      [hash(idleCookie)],
    );
    await t.dataSource.query(
      `UPDATE console.console_session SET absolute_expires_at = now() - interval '1 second' WHERE id_hash = $1`,
      [hash(absoluteCookie)],
    );
  }

  it('exchanges the admin key for an HttpOnly, SameSite=Strict, Secure (https PUBLIC_URL) cookie holding no key', async () => {
    const { res, setCookie, cookie } = await signIn();
    expect(res.status).toBe(201);
    expect(res.body.principal).toEqual({ keyId: 'bootstrap', keyName: 'bootstrap', scope: 'admin', tenantId: null });
    expect(setCookie).toMatch(/^__Host-roster_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    expect(setCookie).not.toContain(TEST_ADMIN_TOKEN);
    expect(res.text).not.toContain(cookie.split('=')[1]);
    // Only the SHA-256 of the session id is stored.
    const secret = cookie.split('=')[1];
    const rows = await t.dataSource.query(`SELECT id_hash FROM console.console_session WHERE id_hash = $1`, [
      createHash('sha256').update(secret).digest(),
    ]);
    expect(rows).toHaveLength(1);
    const raw = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM console.console_session WHERE encode(id_hash, 'escape') LIKE '%' || $1 || '%'`,
      [secret],
    );
    expect(raw[0].n).toBe(0);
  });

  it('refuses a wrong key (401 in words) and a sign-in without the console header or from another origin (403)', async () => {
    const wrong = await signIn('not-the-key');
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.body.message).toBe('this API key is not valid');
    expect(wrong.setCookie).toBe('');
    const noHeader = await t.http.post('/admin/v1/console-sessions', { apiKey: TEST_ADMIN_TOKEN }, { origin });
    expect(noHeader.status).toBe(403);
    const crossSite = await t.http.post(
      '/admin/v1/console-sessions',
      { apiKey: TEST_ADMIN_TOKEN },
      { 'x-roster-console': '1', origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the cookie only with the console header and a same-origin Origin', async () => {
    const { cookie } = await signIn();
    const ok = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ principal: expect.objectContaining({ scope: 'admin' }), console: true });
    const tenant = await t.http.post('/admin/v1/tenants', { name: 'Console CSRF' }, { cookie, ...consoleHeaders() });
    expect(tenant.status).toBe(201);

    // A forged cross-site form post or fetch: no custom header, or a foreign Origin.
    const noHeader = await t.http.post('/admin/v1/tenants', { name: 'Forged' }, { cookie, origin });
    expect(noHeader.status).toBe(403);
    const foreign = await t.http.post(
      '/admin/v1/tenants',
      { name: 'Forged' },
      { cookie, 'x-roster-console': '1', origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const noOriginUnsafe = await t.http.post(
      '/admin/v1/tenants',
      { name: 'Forged' },
      { cookie, 'x-roster-console': '1' },
    );
    expect(noOriginUnsafe.status).toBe(403);
    const publicOrigin = await t.http.get('/admin/v1/console-sessions/current', {
      cookie,
      'x-roster-console': '1',
      origin: 'https://roster.test',
    });
    expect(publicOrigin.status).toBe(200);
    const forged = await t.dataSource.query(`SELECT count(*)::int AS n FROM tenancy.tenant WHERE name = 'Forged'`);
    expect(forged[0].n).toBe(0);
  });

  it('ends the session server-side on sign-out: the same cookie is refused afterwards', async () => {
    const { cookie } = await signIn();
    const out = await t.http.delete('/admin/v1/console-sessions/current', { cookie, ...consoleHeaders() });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/sign in again/);
  });

  it('refuses a cookie past its idle or absolute expiry', async () => {
    const idle = await signIn();
    const absolute = await signIn();
    await expireSessions(idle.cookie, absolute.cookie);
    for (const { cookie } of [idle, absolute]) {
      const res = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
      expect(res.status).toBe(401);
    }
  });

  it('slides the idle expiry on use, never past the absolute expiry', async () => {
    const { cookie } = await signIn();
    await t.dataSource.query(
      `UPDATE console.console_session SET idle_expires_at = now() + interval '5 seconds', absolute_expires_at = now() + interval '60 seconds' WHERE id_hash = $1`,
      [hash(cookie)],
    );
    const res = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
    expect(res.status).toBe(200);
    const [row] = await t.dataSource.query(
      `SELECT idle_expires_at > now() + interval '30 seconds' AS slid, idle_expires_at <= absolute_expires_at AS capped
         FROM console.console_session WHERE id_hash = $1`,
      [hash(cookie)],
    );
    expect(row).toEqual({ slid: true, capped: true });
  });

  it('still takes the bearer key (curl) with no console header, and a garbage cookie is 401', async () => {
    expect((await t.admin.get('/admin/v1/console-sessions/current')).status).toBe(200);
    const garbage = await t.http.get('/admin/v1/console-sessions/current', {
      cookie: '__Host-roster_console=abc',
      'x-roster-console': '1',
    });
    expect(garbage.status).toBe(401);
  });

  it('lists tenants by name with ?q= (case-insensitive, LIKE wildcards taken literally) and keyset pages', async () => {
    const tag = `q${Date.now().toString(36)}`;
    for (const name of [`${tag} Alpha`, `${tag} beta`, `${tag} Gamma`, `${tag}_%x`]) {
      expect((await t.admin.post('/admin/v1/tenants', { name })).status).toBe(201);
    }
    const all = await t.admin.get(`/admin/v1/tenants?q=${tag.toUpperCase()}&limit=2`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: any) => x.name)).toEqual([`${tag} Alpha`, `${tag} beta`]);
    const next = await t.admin.get(`/admin/v1/tenants?q=${tag}&limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items.map((x: any) => x.name)).toEqual([`${tag} Gamma`, `${tag}_%x`]);
    const literal = await t.admin.get(`/admin/v1/tenants?q=${encodeURIComponent(`${tag}_%`)}`);
    expect(literal.body.items.map((x: any) => x.name)).toEqual([`${tag}_%x`]);
    expect((await t.admin.get('/admin/v1/tenants?cursor=nonsense')).status).toBe(400);
  });
  describe('audit: sign-in and sign-out are audit entries, never with the key or the cookie', () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const sessionIdOf = async (cookie: string): Promise<string> =>
      (await t.dataSource.query(`SELECT id FROM console.console_session WHERE id_hash = $1`, [hash(cookie)]))[0].id;

    /** The trail's entries of `action` about this console session, as the admin API lists them. */
    async function entries(action: string, sessionId: string, n = 1): Promise<Array<Record<string, any>>> {
      let found: Array<Record<string, any>> = [];
      await expectEventually(async () => {
        const res = await t.admin.get(`/admin/v1/audit-events?action=${action}&from=${since}&limit=1000`);
        expect(res.status).toBe(200);
        found = (res.body.items as Array<Record<string, any>>).filter((e) => e.details?.sessionId === sessionId);
        expect(found).toHaveLength(n);
      }, 10_000);
      return found;
    }

    it('records console.signed_in and console.signed_out (Sign out) with the key as actor and the source IP', async () => {
      const { cookie } = await signIn();
      const sessionId = await sessionIdOf(cookie);
      const [signedIn] = await entries('console.signed_in', sessionId);
      expect(signedIn).toMatchObject({
        actor: { type: 'admin', keyId: 'bootstrap', keyName: 'bootstrap', scope: 'admin' },
        tenantId: null,
        sourceIp: '127.0.0.1',
        target: { type: 'api_key', id: 'bootstrap' },
        details: { sessionId, keyId: 'bootstrap', scope: 'admin' },
      });
      expect((await t.http.delete('/admin/v1/console-sessions/current', { cookie, ...consoleHeaders() })).status).toBe(
        204,
      );
      const [signedOut] = await entries('console.signed_out', sessionId);
      expect(signedOut).toMatchObject({
        actor: { type: 'admin', keyId: 'bootstrap' },
        sourceIp: '127.0.0.1',
        details: { sessionId, reason: 'sign_out' },
      });
      expect(signedOut.summary).toMatch(/signed out/);
      const secret = cookie.split('=')[1];
      for (const e of [signedIn, signedOut]) {
        expect(JSON.stringify(e)).not.toContain(TEST_ADMIN_TOKEN);
        expect(JSON.stringify(e)).not.toContain(secret);
      }
    });

    it('puts a tenant key sign-in in its tenant’s trail', async () => {
      const tenant = await t.admin.post('/admin/v1/tenants', { name: `Console audit ${Date.now()}` });
      const key = await t.admin.post('/admin/v1/api-keys', {
        name: 'console audit',
        scope: 'tenant',
        tenantId: tenant.body.id,
      });
      const { cookie } = await signIn(key.body.key);
      const sessionId = await sessionIdOf(cookie);
      const [e] = await entries('console.signed_in', sessionId);
      expect(e).toMatchObject({ tenantId: tenant.body.id, actor: { keyId: key.body.id, scope: 'tenant' } });
      expect(JSON.stringify(e)).not.toContain(key.body.key);
      const own = await t.http.get(`/admin/v1/audit-events?action=console.signed_in&from=${since}`, {
        authorization: `Bearer ${key.body.key}`,
      });
      expect(own.body.items.map((x: any) => x.details.sessionId)).toEqual([sessionId]);
    });

    it('ends an idle, an absolutely expired and a revoked-key session once when its cookie comes back, with the reason', async () => {
      const idle = await signIn();
      const absolute = await signIn();
      await expireSessions(idle.cookie, absolute.cookie);
      const tenant = await t.admin.post('/admin/v1/tenants', { name: `Console revoke ${Date.now()}` });
      const key = await t.admin.post('/admin/v1/api-keys', {
        name: 'to revoke',
        scope: 'tenant',
        tenantId: tenant.body.id,
      });
      const revoked = await signIn(key.body.key);
      expect((await t.admin.delete(`/admin/v1/api-keys/${key.body.id}`)).status).toBe(204);

      // Each cookie comes back three times at once: one end, one entry.
      for (const { cookie } of [idle, absolute, revoked]) {
        const answers = await Promise.all(
          [1, 2, 3].map(() => t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' })),
        );
        expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
      }
      const reasons: Array<[string, string]> = [
        [idle.cookie, 'idle_timeout'],
        [absolute.cookie, 'absolute_timeout'],
        [revoked.cookie, 'key_revoked'],
      ];
      for (const [cookie, reason] of reasons) {
        const sessionId = await sessionIdOf(cookie);
        // Written in the refusing request's transaction: exactly one, whatever the relay has delivered yet.
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM test_outbox_log WHERE event_name = 'console.session.signed_out' AND payload->>'sessionId' = $1`,
          [sessionId],
        );
        expect(n).toBe(1);
        const [e] = await entries('console.signed_out', sessionId);
        expect(e).toMatchObject({ actor: { type: 'system' }, details: { sessionId, reason } });
        const [row] = await t.dataSource.query(`SELECT end_reason FROM console.console_session WHERE id = $1`, [
          sessionId,
        ]);
        expect(row.end_reason).toBe(reason);
      }
    });

    it('does not audit a sign-in with a wrong key (logged and counted instead): it writes no event', async () => {
      const requestId = `wrong-key-${Date.now()}`;
      const wrong = await t.http.post(
        '/admin/v1/console-sessions',
        { apiKey: 'rak_not-a-key' },
        consoleHeaders({ 'x-request-id': requestId }),
      );
      expect(wrong.status).toBe(401);
      const right = await t.http.post(
        '/admin/v1/console-sessions',
        { apiKey: TEST_ADMIN_TOKEN },
        consoleHeaders({ 'x-request-id': `${requestId}-ok` }),
      );
      expect(right.status).toBe(201);
      const written = await t.dataSource.query(
        `SELECT correlation_id, event_name FROM test_outbox_log WHERE correlation_id LIKE $1 ORDER BY id`,
        [`${requestId}%`],
      );
      expect(written).toEqual([{ correlation_id: `${requestId}-ok`, event_name: 'console.session.signed_in' }]);
    });
  });
});
