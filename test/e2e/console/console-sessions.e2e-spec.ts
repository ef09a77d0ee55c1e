import { createHash } from 'node:crypto';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../utils/create-test-app';

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

  it('exchanges the admin key for an HttpOnly, SameSite=Strict, Secure (https PUBLIC_URL) cookie holding no key', async () => {
    const { res, setCookie, cookie } = await signIn();
    expect(res.status).toBe(201);
    expect(res.body.principal).toEqual({ keyId: 'bootstrap', keyName: 'ADMIN_TOKEN', scope: 'admin', tenantId: null });
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
    const hash = (c: string) => createHash('sha256').update(c.split('=')[1]).digest();
    await t.dataSource.query(
      `UPDATE console.console_session SET idle_expires_at = now() - interval '1 second' WHERE id_hash = $1`,
      [hash(idle.cookie)],
    );
    await t.dataSource.query(
      `UPDATE console.console_session SET absolute_expires_at = now() - interval '1 second' WHERE id_hash = $1`,
      [hash(absolute.cookie)],
    );
    for (const { cookie } of [idle, absolute]) {
      const res = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
      expect(res.status).toBe(401);
    }
  });

  it('slides the idle expiry on use, never past the absolute expiry', async () => {
    const { cookie } = await signIn();
    const hash = createHash('sha256').update(cookie.split('=')[1]).digest();
    await t.dataSource.query(
      `UPDATE console.console_session SET idle_expires_at = now() + interval '5 seconds', absolute_expires_at = now() + interval '60 seconds' WHERE id_hash = $1`,
      [hash],
    );
    const res = await t.http.get('/admin/v1/console-sessions/current', { cookie, 'x-roster-console': '1' });
    expect(res.status).toBe(200);
    const [row] = await t.dataSource.query(
      `SELECT idle_expires_at > now() + interval '30 seconds' AS slid, idle_expires_at <= absolute_expires_at AS capped
         FROM console.console_session WHERE id_hash = $1`,
      [hash],
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
});
