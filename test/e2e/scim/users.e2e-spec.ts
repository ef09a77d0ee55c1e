import { randomUUID } from 'node:crypto';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { patchOp, ScimClient } from '../../utils/scim-client';
import { expectScimContentType, expectScimError, expectStatus, nullPaths } from '../../utils/scim-expect';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER_USER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const CUSTOM_EXTENSION_NAME = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const CUSTOM_EXTENSION_NAME_USER = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface OutboxRow {
  event_name: string;
  payload: Record<string, unknown>;
}

describe('SCIM Users (RFC 7644 §3.3–§3.6, §3.14)', () => {
  let t: TestApp;
  let f: TenantFixture;
  let scim: ScimClient;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, f);
  });
  afterAll(async () => {
    await t.close();
  });

  const create = async (overrides: Record<string, unknown> = {}, client = scim) => {
    const res = await client.post('/Users', entraUser(overrides, f.domain));
    expectStatus(res, 201);
    return res.body as Record<string, any>;
  };
  const listByUserName = (userName: string, client = scim) =>
    client.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  const outbox = async (stagedUserId: string): Promise<OutboxRow[]> =>
    t.dataSource.query(
      `SELECT event_name, payload FROM test_outbox_log WHERE payload->>'stagedUserId' = $1 ORDER BY id`,
      [stagedUserId],
    );

  describe('create (RFC 7644 §3.3)', () => {
    it('returns 201 with Location, ETag and meta (resourceType, created, lastModified, location, version)', async () => {
      const res = await scim.post('/Users', entraUser({}, f.domain));
      expectStatus(res, 201);
      expectScimContentType(res);
      const { id, meta } = res.body;
      expect(id).toMatch(UUID);
      expect(res.headers.get('location')).toBe(`${f.tenantUrl}/Users/${id}`);
      expect(res.headers.get('etag')).toMatch(/^W\/"\d+"$/);
      expect(meta).toEqual({
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${f.tenantUrl}/Users/${id}`,
        version: res.headers.get('etag'),
      });
      expect(new Date(meta.created).toISOString()).toBe(meta.created);
      expect(meta.lastModified).toBe(meta.created);
      expect(Math.abs(Date.now() - Date.parse(meta.created))).toBeLessThan(60_000);
    });

    it('assigns the id itself and ignores a client-sent id and meta', async () => {
      const body = entraUser(
        {
          id: 'client-chosen-id',
          meta: {
            resourceType: 'Group',
            created: '2001-01-01T00:00:00Z',
            lastModified: '2001-01-01T00:00:00Z',
            version: 'W/"99"',
            location: 'https://evil.example/x',
          },
        },
        f.domain,
      );
      const res = await scim.post('/Users', body);
      expectStatus(res, 201);
      expect(res.body.id).toMatch(UUID);
      expect(res.body.meta.resourceType).toBe('User');
      expect(res.body.meta.created).not.toBe('2001-01-01T00:00:00Z');
      expect(res.body.meta.version).not.toBe('W/"99"');
      expect(res.body.meta.location).toBe(`${f.tenantUrl}/Users/${res.body.id}`);
      expectStatus(await scim.get('/Users/client-chosen-id'), 404);
    });

    it('returns the created attributes without the nulls the client sent (idp-dialects #11)', async () => {
      const body = entraUser({}, f.domain);
      const res = await scim.post('/Users', body);
      expectStatus(res, 201);
      expect(res.body).toMatchObject({
        schemas: expect.arrayContaining([CORE_USER, ENTERPRISE]),
        userName: body.userName,
        externalId: body.externalId,
        active: true,
        displayName: body.displayName,
        emails: body.emails,
        name: body.name,
        [ENTERPRISE]: { department: 'Sales', employeeNumber: '1001' },
      });
      expect(nullPaths(res.body)).toEqual([]);
    });

    it('rejects a user without userName with 400 invalidValue (RFC 7643 §4.1.1)', async () => {
      const { userName: _, ...body } = entraUser({}, f.domain);
      expectScimError(await scim.post('/Users', body), 400, 'invalidValue');
    });

    it('accepts application/json as well as application/scim+json and answers in application/scim+json', async () => {
      const http = t.http.withToken(f.token);
      const body = entraUser({}, f.domain);
      const res = await http.request('POST', `/scim/v2/${f.connectionId}/Users`, {
        body,
        contentType: 'application/json',
      });
      expectStatus(res, 201);
      expectScimContentType(res);
      const patch = await http.request('PATCH', `/scim/v2/${f.connectionId}/Users/${res.body.id}`, {
        body: patchOp({ op: 'replace', path: 'displayName', value: 'Via JSON' }),
        contentType: 'application/json',
      });
      expectStatus(patch, 204);
      expect((await scim.get(`/Users/${res.body.id}`)).body.displayName).toBe('Via JSON');
    });
  });

  describe('read (RFC 7644 §3.4.1)', () => {
    it('returns the user by id with the same representation as the create response', async () => {
      const created = await create();
      const res = await scim.get(`/Users/${created.id}`);
      expectStatus(res, 200);
      expectScimContentType(res);
      expect(res.body).toEqual(created);
      expect(res.headers.get('etag')).toBe(created.meta.version);
    });

    it('returns 404 with a SCIM error for an unknown id', async () => {
      expectScimError(await scim.get(`/Users/${randomUUID()}`), 404);
    });

    it.each([
      ['not-a-uuid', 'not-a-uuid'],
      ['a SQL injection attempt', "' OR 1=1"],
      ['a quoted injection attempt', "1' OR '1'='1"],
      ['a very long id', 'a'.repeat(450)],
      ['an overlong id', 'b'.repeat(5000)],
    ])('returns 404 (never 400/500) for %s on GET, PUT, PATCH and DELETE', async (_, id) => {
      const path = `/Users/${encodeURIComponent(id)}`;
      expectScimError(await scim.get(path), 404);
      expectScimError(await scim.put(path, entraUser({}, f.domain)), 404);
      expectScimError(await scim.patch(path, patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
      expectScimError(await scim.delete(path), 404);
    });

    it('still returns an inactive user by GET and by list (idp-dialects #29)', async () => {
      const created = await create({ active: false });
      const get = await scim.get(`/Users/${created.id}`);
      expectStatus(get, 200);
      expect(get.body.active).toBe(false);
      const list = await listByUserName(created.userName);
      expect(list.body.totalResults).toBe(1);
      expect(list.body.Resources[0]).toMatchObject({ id: created.id, active: false });
    });

    it('still returns a user deactivated by PATCH', async () => {
      const created = await create();
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
        204,
      );
      expect((await scim.get(`/Users/${created.id}`)).body.active).toBe(false);
      expect((await listByUserName(created.userName)).body.Resources.map((r: { id: string }) => r.id)).toEqual([
        created.id,
      ]);
    });
  });

  describe('replace (RFC 7644 §3.5.1)', () => {
    it('replaces the resource: attributes left out of the PUT are gone', async () => {
      const created = await create({
        title: 'Engineer',
        nickName: 'Nick',
        phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
      });
      const {
        title: _t,
        nickName: _n,
        phoneNumbers: _p,
        ...rest
      } = entraUser({ userName: created.userName, externalId: created.externalId }, f.domain);
      const res = await scim.put(`/Users/${created.id}`, { ...rest, displayName: 'Replaced' });
      expectStatus(res, 200);
      expectScimContentType(res);
      expect(res.body.displayName).toBe('Replaced');
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body).toEqual(res.body);
      expect(get.body).not.toHaveProperty('title');
      expect(get.body).not.toHaveProperty('nickName');
      expect(get.body).not.toHaveProperty('phoneNumbers');
      expect(get.body.id).toBe(created.id);
      expect(get.body.meta.created).toBe(created.meta.created);
      expect(get.body.meta.version).not.toBe(created.meta.version);
      expect(res.headers.get('etag')).toBe(get.body.meta.version);
    });

    it('keeps active when the PUT leaves it out (Okta AIW apps PUT profiles)', async () => {
      const created = await create({ active: false });
      const { active: _, ...body } = entraUser({ userName: created.userName }, f.domain);
      const res = await scim.put(`/Users/${created.id}`, body);
      expectStatus(res, 200);
      expect(res.body.active).toBe(false);
      expect((await scim.get(`/Users/${created.id}`)).body.active).toBe(false);
    });

    it('changes active when the PUT carries it', async () => {
      const created = await create();
      const res = await scim.put(
        `/Users/${created.id}`,
        entraUser({ userName: created.userName, active: false }, f.domain),
      );
      expectStatus(res, 200);
      expect((await scim.get(`/Users/${created.id}`)).body.active).toBe(false);
    });

    it('ignores id and meta in the PUT body', async () => {
      const created = await create();
      const res = await scim.put(
        `/Users/${created.id}`,
        entraUser(
          { userName: created.userName, id: randomUUID(), meta: { created: '2001-01-01T00:00:00Z' } },
          f.domain,
        ),
      );
      expectStatus(res, 200);
      expect(res.body.id).toBe(created.id);
      expect(res.body.meta.created).toBe(created.meta.created);
    });
  });

  describe('modify (RFC 7644 §3.5.2)', () => {
    it('answers PATCH with 204 and no body by default', async () => {
      const created = await create();
      const res = await scim.patch(
        `/Users/${created.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: 'Patched' }),
      );
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expect(res.headers.get('etag')).toMatch(/^W\/"\d+"$/);
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body.displayName).toBe('Patched');
      expect(res.headers.get('etag')).toBe(get.body.meta.version);
    });

    it('answers PATCH with 200 and the projected resource when ?attributes= is given', async () => {
      const created = await create();
      const res = await scim.patch(
        `/Users/${created.id}?attributes=displayName,active`,
        patchOp({ op: 'replace', path: 'displayName', value: 'Shown' }),
      );
      expectStatus(res, 200);
      expectScimContentType(res);
      expect(res.body).toEqual({ schemas: [CORE_USER], id: created.id, displayName: 'Shown', active: true });
    });

    it('applies nothing when the last operation of a multi-op PATCH is invalid', async () => {
      const created = await create();
      const before = await scim.get(`/Users/${created.id}`);
      const eventsBefore = await outbox(created.id);
      const res = await scim.patch(
        `/Users/${created.id}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Should not stick' },
          { op: 'replace', path: 'active', value: false },
          { op: 'add', path: 'title', value: 'Should not stick' },
          // Valid syntax, fails only when applied: userName is required (RFC 7643 §4.1.1).
          { op: 'remove', path: 'userName' },
        ),
      );
      expectScimError(res, 400);
      const after = await scim.get(`/Users/${created.id}`);
      expect(after.body).toEqual(before.body);
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
      expect(await outbox(created.id)).toEqual(eventsBefore);
    });

    it('applies nothing when the last operation of a multi-op PATCH has an invalid path', async () => {
      const created = await create();
      const before = await scim.get(`/Users/${created.id}`);
      const eventsBefore = await outbox(created.id);
      const res = await scim.patch(
        `/Users/${created.id}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Should not stick' },
          { op: 'replace', path: 'name.noSuchPart', value: 'x' },
        ),
      );
      expectScimError(res, 400, 'invalidPath');
      const after = await scim.get(`/Users/${created.id}`);
      expect(after.body).toEqual(before.body);
      expect(await outbox(created.id)).toEqual(eventsBefore);
    });

    it.each([
      ['id', randomUUID()],
      ['meta', { created: '2001-01-01T00:00:00Z' }],
      ['meta.created', '2001-01-01T00:00:00Z'],
      ['groups', [{ value: randomUUID() }]],
    ])('refuses a PATCH on readOnly %s with 400 mutability', async (path, value) => {
      const created = await create();
      expectScimError(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path, value })),
        400,
        'mutability',
      );
      expectScimError(await scim.patch(`/Users/${created.id}`, patchOp({ op: 'add', path, value })), 400, 'mutability');
      expect((await scim.get(`/Users/${created.id}`)).body).toEqual(created);
    });

    it('keeps an attribute no schema declares, as sent (never a silent drop, issue #16)', async () => {
      const created = await create();
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'noSuchAttribute', value: 'x' })),
        204,
      );
      expect((await scim.get(`/Users/${created.id}`)).body.noSuchAttribute).toBe('x');
    });

    it.each([
      'name.noSuchPart',
      'emails[type eq "work"].noSuchPart',
      'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
      'emails[type eq "work"',
    ])('refuses PATCH path %s with 400 invalidPath', async (path) => {
      const created = await create();
      expectScimError(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path, value: 'x' })),
        400,
        'invalidPath',
      );
    });

    it('refuses remove without a path with 400 noTarget (RFC 7644 §3.5.2.2)', async () => {
      const created = await create();
      expectScimError(await scim.patch(`/Users/${created.id}`, patchOp({ op: 'remove' })), 400, 'noTarget');
    });

    it('refuses an unknown op with 400 invalidSyntax', async () => {
      const created = await create();
      expectScimError(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'merge', path: 'displayName', value: 'x' })),
        400,
        'invalidSyntax',
      );
    });

    it('writes no new version when a PATCH re-sends the current values', async () => {
      const created = await create();
      const eventsBefore = await outbox(created.id);
      const res = await scim.patch(
        `/Users/${created.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: created.displayName }),
      );
      expectStatus(res, 204);
      expect(res.headers.get('etag')).toBe(created.meta.version);
      expect(await outbox(created.id)).toEqual(eventsBefore);
    });
  });

  describe('delete (RFC 7644 §3.6)', () => {
    it('answers 204, then GET 404, and the list no longer shows the user', async () => {
      const created = await create();
      const res = await scim.delete(`/Users/${created.id}`);
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expectScimError(await scim.get(`/Users/${created.id}`), 404);
      const list = await listByUserName(created.userName);
      expectStatus(list, 200);
      expect(list.body.totalResults).toBe(0);
      expect(list.body.Resources).toEqual([]);
      expectScimError(await scim.delete(`/Users/${created.id}`), 404);
      expectScimError(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'active', value: true })),
        404,
      );
      expectScimError(await scim.put(`/Users/${created.id}`, entraUser({ userName: created.userName }, f.domain)), 404);
    });

    it('keeps the deleted row visible to the admin API with deleted: true', async () => {
      const own = await createTenantWithConnection(t.admin);
      const client = new ScimClient(t.baseUrl, own);
      const res = await client.post('/Users', entraUser({}, own.domain));
      expectStatus(res, 201);
      expectStatus(await client.delete(`/Users/${res.body.id}`), 204);
      const admin = await t.admin.get(`/admin/v1/scim-connections/${own.connectionId}/scim-users`);
      expectStatus(admin, 200);
      expect(admin.body.items).toEqual([
        expect.objectContaining({ id: res.body.id, userName: res.body.userName, deleted: true }),
      ]);
    });

    it('lets a deleted userName be created again', async () => {
      const created = await create();
      expectStatus(await scim.delete(`/Users/${created.id}`), 204);
      const again = await scim.post('/Users', entraUser({ userName: created.userName }, f.domain));
      expectStatus(again, 201);
      expect(again.body.id).not.toBe(created.id);
      expect((await listByUserName(created.userName)).body.Resources.map((r: { id: string }) => r.id)).toEqual([
        again.body.id,
      ]);
    });
  });

  describe('uniqueness (RFC 7643 §4.1.1, RFC 7644 §3.3)', () => {
    it('returns 409 uniqueness when userName differs only by case', async () => {
      const created = await create();
      const res = await scim.post('/Users', entraUser({ userName: created.userName.toUpperCase() }, f.domain));
      expectScimError(res, 409, 'uniqueness');
      expect((await listByUserName(created.userName)).body.totalResults).toBe(1);
    });

    it('never logs the userName or email of a refused duplicate (SCIM payloads are never logged)', async () => {
      const created = await create();
      const lines: string[] = [];
      const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
      const spies = [
        jest.spyOn(console, 'log').mockImplementation(capture),
        jest.spyOn(console, 'error').mockImplementation(capture),
        jest.spyOn(console, 'warn').mockImplementation(capture),
        jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
        jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
      ];
      try {
        expectScimError(
          await scim.post('/Users', entraUser({ userName: created.userName }, f.domain)),
          409,
          'uniqueness',
        );
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      const logged = lines.join('\n').toLowerCase();
      expect(logged).not.toContain(created.userName.toLowerCase());
      expect(logged).not.toContain(created.emails[0].value.toLowerCase());
    });

    it('returns 409 uniqueness for an exact duplicate userName', async () => {
      const created = await create();
      expectScimError(
        await scim.post('/Users', entraUser({ userName: created.userName }, f.domain)),
        409,
        'uniqueness',
      );
    });

    it('returns 409 uniqueness when PATCH or PUT renames a user onto a taken userName', async () => {
      const a = await create();
      const b = await create();
      expectScimError(
        await scim.patch(
          `/Users/${b.id}`,
          patchOp({ op: 'replace', path: 'userName', value: a.userName.toUpperCase() }),
        ),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.put(`/Users/${b.id}`, entraUser({ userName: a.userName }, f.domain)),
        409,
        'uniqueness',
      );
      expect((await scim.get(`/Users/${b.id}`)).body.userName).toBe(b.userName);
    });

    it('accepts the same userName in another connection', async () => {
      const created = await create();
      const other = await createTenantWithConnection(t.admin);
      const res = await new ScimClient(t.baseUrl, other).post(
        '/Users',
        entraUser({ userName: created.userName }, f.domain),
      );
      expectStatus(res, 201);
      expect(res.body.id).not.toBe(created.id);
    });

    it('accepts two users with the same externalId (externalId is not unique)', async () => {
      const externalId = randomUUID();
      const a = await scim.post('/Users', entraUser({ externalId }, f.domain));
      const b = await scim.post('/Users', entraUser({ externalId }, f.domain));
      expectStatus(a, 201);
      expectStatus(b, 201);
      const list = await scim.get(`/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`);
      expect(list.body.Resources.map((r: { id: string }) => r.id).sort()).toEqual([a.body.id, b.body.id].sort());
    });
  });

  describe('extensions (RFC 7643 §3.3, §4.3)', () => {
    it('stores and returns the Enterprise User extension', async () => {
      const enterprise = {
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        division: 'Theme Park',
        department: 'Tour Operations',
        manager: { value: (await create()).id as string },
      };
      const created = await create({ [ENTERPRISE]: enterprise });
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body.schemas).toEqual(expect.arrayContaining([CORE_USER, ENTERPRISE]));
      expect(get.body[ENTERPRISE]).toMatchObject(enterprise);
    });

    it("never stores another connection's user as manager (issue #17), by POST, PUT or PATCH", async () => {
      const other = await createTenantWithConnection(t.admin);
      const stranger = await new ScimClient(t.baseUrl, other).post('/Users', entraUser({}, other.domain));
      expectStatus(stranger, 201);
      const manager = { value: stranger.body.id as string };
      const created = await create({ [ENTERPRISE]: { department: 'Sales', manager } });
      expect(created[ENTERPRISE]).toEqual({ department: 'Sales' });
      const put = await scim.put(`/Users/${created.id}`, { ...created, [ENTERPRISE]: { manager } });
      expectStatus(put, 200);
      expect(put.body).not.toHaveProperty([ENTERPRISE]);
      const patched = await scim.patch(
        `/Users/${created.id}`,
        patchOp({ op: 'add', path: `${ENTERPRISE}:manager`, value: stranger.body.id }),
      );
      expectStatus(patched, 204);
      expect((await scim.get(`/Users/${created.id}`)).body).not.toHaveProperty([ENTERPRISE]);
      // A manager of this connection is stored.
      const own = await create();
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'add', path: `${ENTERPRISE}:manager`, value: own.id })),
        204,
      );
      expect((await scim.get(`/Users/${created.id}`)).body[ENTERPRISE]).toEqual({ manager: { value: own.id } });
    });

    it('stores the Metadata extension losslessly in its nested form', async () => {
      const metadata = { costCode: 'CC-1', nested: { level: 2, tags: ['a', 'b'] }, flag: true, amount: 12.5 };
      const created = await create({ schemas: [CORE_USER, METADATA], [METADATA]: metadata });
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body.schemas).toContain(METADATA);
      expect(get.body[METADATA]).toEqual(metadata);
    });

    it('stores the Metadata extension sent as a flat URN-qualified key under its schema', async () => {
      const created = await create({ [`${METADATA}:costCode`]: 'CC-2' });
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body[METADATA]).toEqual({ costCode: 'CC-2' });
      expect(get.body).not.toHaveProperty(`${METADATA}:costCode`);
      expect(get.body.schemas).toContain(METADATA);
    });

    it('stores multi-valued CustomExtensionName folders as an array, in order', async () => {
      const folders = [randomUUID(), randomUUID(), 'ext-folder-3'];
      const created = await create({ [CUSTOM_EXTENSION_NAME]: { folders } });
      expect((await scim.get(`/Users/${created.id}`)).body[CUSTOM_EXTENSION_NAME]).toEqual({ folders });
    });

    it('wraps a single folders string into an array', async () => {
      const created = await create({ [CUSTOM_EXTENSION_NAME]: { folders: 'only-one' } });
      expect((await scim.get(`/Users/${created.id}`)).body[CUSTOM_EXTENSION_NAME]).toEqual({ folders: ['only-one'] });
    });

    it('stores the roster product extension with security_champion as a JSON boolean', async () => {
      const created = await create({
        [ROSTER_USER]: { job_role: 'Developer', company: 'Acme Corp', security_champion: true },
      });
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body[ROSTER_USER]).toEqual({ job_role: 'Developer', company: 'Acme Corp', security_champion: true });
      expect(get.body.schemas).toContain(ROSTER_USER);
    });

    it('turns a "True"/"False" string security_champion into a JSON boolean (idp-dialects #15)', async () => {
      const a = await create({ [ROSTER_USER]: { security_champion: 'True' } });
      const b = await create({ [ROSTER_USER]: { security_champion: 'False' } });
      expect((await scim.get(`/Users/${a.id}`)).body[ROSTER_USER]).toEqual({ security_champion: true });
      expect((await scim.get(`/Users/${b.id}`)).body[ROSTER_USER]).toEqual({ security_champion: false });
    });

    it('stores the CustomExtensionName:2.0:User tag', async () => {
      const created = await create({ [CUSTOM_EXTENSION_NAME_USER]: { tag: 'blue' } });
      expect((await scim.get(`/Users/${created.id}`)).body[CUSTOM_EXTENSION_NAME_USER]).toEqual({ tag: 'blue' });
    });

    it('returns every extension together and lists each in schemas', async () => {
      const created = await create({
        [ROSTER_USER]: { job_role: 'Lead' },
        [CUSTOM_EXTENSION_NAME]: { folders: ['f1'] },
        [`${METADATA}:costCode`]: 'CC-3',
      });
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body.schemas).toEqual(
        expect.arrayContaining([CORE_USER, ENTERPRISE, ROSTER_USER, CUSTOM_EXTENSION_NAME, METADATA]),
      );
      expect(get.body).toMatchObject({
        [ENTERPRISE]: { department: 'Sales' },
        [ROSTER_USER]: { job_role: 'Lead' },
        [CUSTOM_EXTENSION_NAME]: { folders: ['f1'] },
        [METADATA]: { costCode: 'CC-3' },
      });
    });

    it('patches extension attributes through URN-qualified paths', async () => {
      const created = await create();
      const res = await scim.patch(
        `/Users/${created.id}`,
        patchOp(
          { op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' },
          { op: 'add', path: `${ROSTER_USER}:security_champion`, value: 'True' },
          { op: 'add', path: `${CUSTOM_EXTENSION_NAME}:folders`, value: ['x', 'y'] },
          { op: 'add', path: `${METADATA}:costCode`, value: 'CC-9' },
        ),
      );
      expectStatus(res, 204);
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.body[ENTERPRISE].employeeNumber).toBe('42');
      expect(get.body[ROSTER_USER]).toEqual({ security_champion: true });
      expect(get.body[CUSTOM_EXTENSION_NAME]).toEqual({ folders: ['x', 'y'] });
      expect(get.body[METADATA]).toEqual({ costCode: 'CC-9' });
    });
  });

  describe('ETags (RFC 7644 §3.14)', () => {
    it('returns the ETag header on GET equal to meta.version', async () => {
      const created = await create();
      const get = await scim.get(`/Users/${created.id}`);
      expect(get.headers.get('etag')).toBe(get.body.meta.version);
    });

    it('answers 304 to GET with If-None-Match of the current ETag, 200 for a stale one', async () => {
      const created = await create();
      const current = created.meta.version as string;
      const notModified = await scim.get(`/Users/${created.id}`, { 'if-none-match': current });
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Changed' })),
        204,
      );
      const changed = await scim.get(`/Users/${created.id}`, { 'if-none-match': current });
      expectStatus(changed, 200);
      expect(changed.body.displayName).toBe('Changed');
    });

    it('refuses PATCH with a stale If-Match with 412 and applies a matching one', async () => {
      const created = await create();
      const stale = created.meta.version as string;
      const first = await scim.patch(
        `/Users/${created.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: 'First' }),
        { 'if-match': stale },
      );
      expectStatus(first, 204);
      const refused = await scim.patch(
        `/Users/${created.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: 'Second' }),
        { 'if-match': stale },
      );
      expectScimError(refused, 412);
      expect((await scim.get(`/Users/${created.id}`)).body.displayName).toBe('First');
      const current = first.headers.get('etag')!;
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Third' }), {
          'if-match': current,
        }),
        204,
      );
      expect((await scim.get(`/Users/${created.id}`)).body.displayName).toBe('Third');
    });

    it('refuses PUT with a stale If-Match with 412 and applies a matching one', async () => {
      const created = await create();
      const body = entraUser({ userName: created.userName, displayName: 'Put' }, f.domain);
      expectScimError(await scim.put(`/Users/${created.id}`, body, { 'if-match': 'W/"999"' }), 412);
      expect((await scim.get(`/Users/${created.id}`)).body.displayName).toBe(created.displayName);
      expectStatus(await scim.put(`/Users/${created.id}`, body, { 'if-match': created.meta.version }), 200);
      expect((await scim.get(`/Users/${created.id}`)).body.displayName).toBe('Put');
    });

    it('refuses DELETE with a stale If-Match with 412 and deletes with a matching one', async () => {
      const created = await create();
      expectScimError(await scim.delete(`/Users/${created.id}`, { 'if-match': 'W/"999"' }), 412);
      expectStatus(await scim.get(`/Users/${created.id}`), 200);
      expectStatus(await scim.delete(`/Users/${created.id}`, { 'if-match': created.meta.version }), 204);
      expectScimError(await scim.get(`/Users/${created.id}`), 404);
    });

    it('accepts If-Match: * on PATCH', async () => {
      const created = await create();
      expectStatus(
        await scim.patch(`/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Any' }), {
          'if-match': '*',
        }),
        204,
      );
    });
  });

  describe('request errors', () => {
    it('refuses an invalid JSON body with 400 invalidSyntax', async () => {
      const created = await create();
      const http = t.http.withToken(f.token);
      for (const [method, path] of [
        ['POST', '/Users'],
        ['PUT', `/Users/${created.id}`],
        ['PATCH', `/Users/${created.id}`],
      ]) {
        const res = await http.request(method, `/scim/v2/${f.connectionId}${path}`, {
          rawBody: '{"userName": "x",',
          contentType: 'application/scim+json',
        });
        expectScimError(res, 400, 'invalidSyntax');
      }
    });

    it('refuses a JSON body that is not an object with 400 invalidSyntax', async () => {
      expectScimError(await scim.post('/Users', ['not', 'an', 'object']), 400, 'invalidSyntax');
    });

    it('returns 404 (never 400) for a badly percent-encoded id', async () => {
      for (const method of ['GET', 'DELETE']) {
        expectScimError(await scim.request(method, '/Users/%E0%A4%A'), 404);
      }
    });

    it.each(['/Nope', '/Users/x/y', '/Groups/x/members/y', '/Me/extra'])(
      'answers an unknown path %s with a SCIM 404',
      async (path) => {
        expectScimError(await scim.get(path), 404);
      },
    );

    it('matches endpoint names case-insensitively (/users, /USERS/{id})', async () => {
      const body = entraUser({}, f.domain);
      const created = await scim.post('/users', body);
      expectStatus(created, 201);
      expect(created.headers.get('location')).toBe(`${f.tenantUrl}/Users/${created.body.id}`);
      const get = await scim.get(`/USERS/${created.body.id}`);
      expectStatus(get, 200);
      expect(get.body.id).toBe(created.body.id);
      expectStatus(
        await scim.patch(`/uSeRs/${created.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Cased' })),
        204,
      );
      const list = await scim.get(`/users?filter=${encodeURIComponent(`userName eq "${body.userName as string}"`)}`);
      expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
      expectStatus(await scim.delete(`/USERS/${created.body.id}`), 204);
    });
  });

  describe('staging events and raw payload', () => {
    it('writes created, updated + deactivated and deleted events to the outbox: ids, the subject and what changed', async () => {
      const body = entraUser(
        {
          externalId: randomUUID(),
          displayName: 'Grace Hopper',
          name: { formatted: 'Grace Hopper', givenName: 'Grace', familyName: 'Hopper' },
        },
        f.domain,
      );
      const res = await scim.post('/Users', body);
      expectStatus(res, 201);
      const id = res.body.id as string;
      expectStatus(await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })), 204);
      expectStatus(await scim.delete(`/Users/${id}`), 204);

      const rows = await outbox(id);
      expect(rows.map((r) => r.event_name)).toEqual([
        'staging.user.created',
        'staging.user.updated',
        'staging.user.deactivated',
        'staging.user.deleted',
      ]);
      for (const row of rows) {
        // The person is named (the audit trail's subject, issue #18); nothing else personal rides along.
        expect(row.payload).toMatchObject({
          connectionId: f.connectionId,
          stagedUserId: id,
          subject: {
            userName: body.userName,
            email: String((body.emails as Array<{ value: string }>)[0].value).toLowerCase(),
          },
        });
        const text = JSON.stringify(row.payload).toLowerCase();
        for (const personal of [body.displayName, (body.name as { familyName: string }).familyName]) {
          expect(text).not.toContain(String(personal).toLowerCase());
        }
      }
      expect(rows[1].payload.changedAttributes).toEqual(['active']);
      expect(rows[1].payload.changes).toEqual([{ attribute: 'active', old: true, new: false }]);
    });

    it('keeps the raw request body in staging.scim_user.raw_payload', async () => {
      const body = entraUser({ [`${METADATA}:costCode`]: 'RAW-1' }, f.domain);
      const res = await scim.post('/Users', body);
      expectStatus(res, 201);
      const [row] = await t.dataSource.query(`SELECT raw_payload FROM staging.scim_user WHERE id = $1`, [res.body.id]);
      // Nulls, client meta and the flat URN key are kept exactly as sent.
      expect(row.raw_payload).toEqual(body);
    });
  });
  // A second app in this process, beside the first (SCIM authentication is per app instance).
  describe('request body limit', () => {
    let small: TestApp;
    let sf: TenantFixture;
    beforeAll(async () => {
      small = await createTestApp({ SCIM_MAX_BODY_BYTES: '4096' });
      sf = await createTenantWithConnection(small.admin);
    });
    afterAll(async () => {
      await small.close();
    });

    it('refuses a body over SCIM_MAX_BODY_BYTES with a SCIM 413', async () => {
      const client = new ScimClient(small.baseUrl, sf);
      const body = entraUser({ displayName: 'x'.repeat(5000) }, sf.domain);
      expect(JSON.stringify(body).length).toBeGreaterThan(4096);
      expectScimError(await client.post('/Users', body), 413);
      const created = await client.post('/Users', entraUser({}, sf.domain));
      expectStatus(created, 201);
      expectScimError(
        await client.patch(
          `/Users/${created.body.id}`,
          patchOp({ op: 'replace', path: 'displayName', value: 'y'.repeat(5000) }),
        ),
        413,
      );
    });

    it('advertises the same limit in ServiceProviderConfig', async () => {
      const res = await new ScimClient(small.baseUrl, sf).get('/ServiceProviderConfig');
      expect(res.body.bulk.maxPayloadSize).toBe(4096);
    });

    it('authenticates on both instances, and the first keeps authenticating after the second is closed', async () => {
      expectStatus(await new ScimClient(small.baseUrl, sf).get('/Users?count=1'), 200);
      expectStatus(await scim.get('/Users?count=1'), 200);
      const third = await createTestApp();
      const tf = await createTenantWithConnection(third.admin);
      expectStatus(await new ScimClient(third.baseUrl, tf).get('/Users?count=1'), 200);
      await third.close();
      expectStatus(await scim.get('/Users?count=1'), 200);
      expectStatus(await new ScimClient(small.baseUrl, sf).get('/Users?count=1'), 200);
    });
  });
});
