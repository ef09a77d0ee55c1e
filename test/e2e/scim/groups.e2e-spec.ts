import { randomUUID } from 'node:crypto';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { patchOp, ScimClient } from '../../utils/scim-client';
import { expectScimContentType, expectScimError, expectStatus, nullPaths } from '../../utils/scim-expect';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const MS_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Resource = Record<string, any>;

interface OutboxRow {
  event_name: string;
  payload: Record<string, any>;
}

describe('SCIM Groups (RFC 7643 §4.2, RFC 7644 §3.3–§3.6)', () => {
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

  const createUser = async (overrides: Record<string, unknown> = {}): Promise<Resource> => {
    const res = await scim.post('/Users', entraUser(overrides, f.domain));
    expectStatus(res, 201);
    return res.body;
  };
  const createGroup = async (overrides: Record<string, unknown> = {}): Promise<Resource> => {
    const res = await scim.post('/Groups', entraGroup(overrides));
    expectStatus(res, 201);
    return res.body;
  };
  const memberIds = async (groupId: string): Promise<string[]> => {
    const res = await scim.get(`/Groups/${groupId}`);
    expectStatus(res, 200);
    return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
  };
  const sorted = (...ids: string[]) => [...ids].sort();
  const groupOutbox = async (groupId: string): Promise<OutboxRow[]> =>
    t.dataSource.query(
      `SELECT event_name, payload FROM test_outbox_log WHERE payload->>'stagedGroupId' = $1 ORDER BY id`,
      [groupId],
    );

  describe('create', () => {
    it('creates a group with empty members (Entra) with 201, Location, ETag and meta', async () => {
      const body = entraGroup();
      const res = await scim.post('/Groups', body);
      expectStatus(res, 201);
      expectScimContentType(res);
      const { id, meta } = res.body;
      expect(id).toMatch(UUID);
      expect(res.headers.get('location')).toBe(`${f.tenantUrl}/Groups/${id}`);
      expect(res.headers.get('etag')).toBe(meta.version);
      expect(meta).toEqual({
        resourceType: 'Group',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${f.tenantUrl}/Groups/${id}`,
        version: expect.stringMatching(/^W\/"\d+"$/),
      });
      expect(res.body).toMatchObject({
        schemas: [CORE_GROUP],
        displayName: body.displayName,
        externalId: body.externalId,
      });
      // RFC 7643 §2.5: an empty multi-valued attribute is unassigned, so it is left out (never null).
      expect(res.body).not.toHaveProperty('members');
      expect(nullPaths(res.body)).toEqual([]);
    });

    it("accepts Microsoft's extra ADSCIM schema URN and does not echo it (idp-dialects #12)", async () => {
      const res = await scim.post('/Groups', entraGroup({ schemas: [CORE_GROUP, MS_GROUP_SCHEMA] }));
      expectStatus(res, 201);
      expect(res.body.schemas).toEqual([CORE_GROUP]);
    });

    it('creates a group with members and returns them with value, $ref, type and display', async () => {
      const a = await createUser();
      const b = await createUser();
      const res = await scim.post('/Groups', entraGroup({ members: [{ value: a.id }, { value: b.id }] }));
      expectStatus(res, 201);
      const members = res.body.members as Resource[];
      expect(members.map((m) => m.value).sort()).toEqual(sorted(a.id, b.id));
      expect(members.find((m) => m.value === a.id)).toEqual({
        value: a.id,
        $ref: `${f.tenantUrl}/Users/${a.id}`,
        display: a.displayName,
        type: 'User',
      });
      expect(await memberIds(res.body.id)).toEqual(sorted(a.id, b.id));
    });

    it('rejects a group without displayName with 400 invalidValue (RFC 7643 §4.2)', async () => {
      const { displayName: _, ...body } = entraGroup();
      expectScimError(await scim.post('/Groups', body), 400, 'invalidValue');
    });

    it('creates a group whose members include an id that does not exist, without that id (issue #16)', async () => {
      const a = await createUser();
      const body = entraGroup({ members: [{ value: randomUUID() }, { value: a.id }] });
      const res = await scim.post('/Groups', body);
      expectStatus(res, 201);
      expect(await memberIds(res.body.id)).toEqual([a.id]);
    });
  });

  describe('read', () => {
    it('returns members on GET and omits them with ?excludedAttributes=members', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      const full = await scim.get(`/Groups/${group.id}`);
      expectStatus(full, 200);
      expect(full.body.members.map((m: { value: string }) => m.value)).toEqual([a.id]);
      expect(full.headers.get('etag')).toBe(full.body.meta.version);
      const lean = await scim.get(`/Groups/${group.id}?excludedAttributes=members`);
      expectStatus(lean, 200);
      expect(lean.body).not.toHaveProperty('members');
      expect(lean.body).toMatchObject({
        id: group.id,
        displayName: group.displayName,
        meta: { resourceType: 'Group' },
      });
    });

    it('returns 404 with a SCIM error for an unknown or malformed group id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', "' OR 1=1", 'g'.repeat(2000)]) {
        expectScimError(await scim.get(`/Groups/${encodeURIComponent(id)}`), 404);
        expectScimError(
          await scim.patch(
            `/Groups/${encodeURIComponent(id)}`,
            patchOp({ op: 'replace', path: 'displayName', value: 'x' }),
          ),
          404,
        );
        expectScimError(await scim.delete(`/Groups/${encodeURIComponent(id)}`), 404);
      }
    });
  });

  describe('membership PATCH (RFC 7644 §3.5.2)', () => {
    it('adds members with 204; GET shows them and the member user shows the group in groups', async () => {
      const a = await createUser();
      const b = await createUser();
      const group = await createGroup();
      // idp-dialects #24 / #26: Entra's shape, several members in one PATCH.
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: a.id },
            { $ref: null, value: b.id },
          ],
        }),
      );
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expect(await memberIds(group.id)).toEqual(sorted(a.id, b.id));
      const user = await scim.get(`/Users/${a.id}`);
      expect(user.body.groups).toEqual([
        { value: group.id, $ref: `${f.tenantUrl}/Groups/${group.id}`, display: group.displayName, type: 'direct' },
      ]);
    });

    it('accepts adding an existing member idempotently', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      const before = await scim.get(`/Groups/${group.id}`);
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }),
      );
      expectStatus(res, 204);
      expect(await memberIds(group.id)).toEqual([a.id]);
      expect(res.headers.get('etag')).toBe(before.body.meta.version);
    });

    it.each([
      [
        'with a value list (Entra without the flag)',
        (id: string) => ({ op: 'Remove', path: 'members', value: [{ value: id }] }),
      ],
      ['with a filter path (aadOptscim062020)', (id: string) => ({ op: 'remove', path: `members[value eq "${id}"]` })],
    ])('accepts removing an absent member idempotently %s', async (_, op) => {
      const a = await createUser();
      const stranger = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp(op(stranger.id))), 204);
      expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp(op(randomUUID()))), 204);
      expect(await memberIds(group.id)).toEqual([a.id]);
    });

    it.each([
      [
        'with a value list (Entra without the flag)',
        (id: string) => ({ op: 'Remove', path: 'members', value: [{ value: id }] }),
      ],
      ['with a filter path (aadOptscim062020)', (id: string) => ({ op: 'remove', path: `members[value eq "${id}"]` })],
    ])('removes a member %s', async (_, op) => {
      const a = await createUser();
      const b = await createUser();
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp(op(a.id))), 204);
      expect(await memberIds(group.id)).toEqual([b.id]);
      expect((await scim.get(`/Users/${a.id}`)).body).not.toHaveProperty('groups');
    });

    it('mixes remove by filter and add by value in one PATCH (Okta)', async () => {
      const [a, b, c] = [await createUser(), await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp(
          { op: 'remove', path: `members[value eq "${a.id}"]` },
          { op: 'add', path: 'members', value: [{ value: c.id }] },
        ),
      );
      expectStatus(res, 204);
      expect(await memberIds(group.id)).toEqual(sorted(b.id, c.id));
    });

    it('replaces all members with replace on members', async () => {
      const [a, b, c] = [await createUser(), await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      expectStatus(
        await scim.patch(
          `/Groups/${group.id}`,
          patchOp({ op: 'replace', path: 'members', value: [{ value: b.id }, { value: c.id }] }),
        ),
        204,
      );
      expect(await memberIds(group.id)).toEqual(sorted(b.id, c.id));
    });

    it('removes every member with remove on members without a filter (RFC 7644 §3.5.2.2)', async () => {
      const [a, b] = [await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      expectStatus(await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'members' })), 204);
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('never returns members from PATCH, even with ?attributes=displayName,members', async () => {
      const a = await createUser();
      const group = await createGroup();
      const res = await scim.patch(
        `/Groups/${group.id}?attributes=displayName,members`,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: a.id }] },
          { op: 'replace', path: 'displayName', value: 'Renamed' },
        ),
      );
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ id: group.id, displayName: 'Renamed' });
      expect(res.body).not.toHaveProperty('members');
      expect(await memberIds(group.id)).toEqual([a.id]);
    });

    it.each([
      ['an id of no resource', () => randomUUID()],
      ['a malformed id', () => 'not-a-uuid'],
    ])('accepts and ignores a member that is %s: 204, not stored (issue #16)', async (_, id) => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: id() }] }),
      );
      expectStatus(res, 204);
      expect(await memberIds(group.id)).toEqual([a.id]);
    });

    it('ignores a member from another connection: 204, never stored', async () => {
      const other = await createTenantWithConnection(t.admin);
      const stranger = await new ScimClient(t.baseUrl, other).post('/Users', entraUser({}, other.domain));
      expectStatus(stranger, 201);
      const group = await createGroup();
      expectStatus(
        await scim.patch(
          `/Groups/${group.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: stranger.body.id }] }),
        ),
        204,
      );
      expect(await memberIds(group.id)).toEqual([]);
    });

    it('applies every other operation when a later operation adds an unknown member', async () => {
      const [a, b] = [await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }] });
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Sticks' },
          { op: 'remove', path: `members[value eq "${a.id}"]` },
          { op: 'add', path: 'members', value: [{ value: b.id }] },
          { op: 'add', path: 'members', value: [{ value: randomUUID() }] },
        ),
      );
      expectStatus(res, 204);
      expect((await scim.get(`/Groups/${group.id}`)).body.displayName).toBe('Sticks');
      expect(await memberIds(group.id)).toEqual([b.id]);
    });

    it('still applies nothing when a later operation is invalid', async () => {
      const [a, b] = [await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }] });
      const before = await scim.get(`/Groups/${group.id}`);
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Should not stick' },
          { op: 'add', path: 'members', value: [{ value: b.id }] },
          { op: 'add', path: 'members', value: [{ value: b.id, type: 'Robot' }] },
        ),
      );
      expectScimError(res, 400);
      expect((await scim.get(`/Groups/${group.id}`)).body).toEqual(before.body);
    });

    it('accepts a group as a member (type Group) but never the group itself', async () => {
      const child = await createGroup();
      const parent = await createGroup();
      expectStatus(
        await scim.patch(
          `/Groups/${parent.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: child.id, type: 'Group' }] }),
        ),
        204,
      );
      const get = await scim.get(`/Groups/${parent.id}`);
      expect(get.body.members).toEqual([
        expect.objectContaining({ value: child.id, type: 'Group', $ref: `${f.tenantUrl}/Groups/${child.id}` }),
      ]);
      expectScimError(
        await scim.patch(
          `/Groups/${parent.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: parent.id }] }),
        ),
        400,
      );
    });

    it('renames a group with a path-less replace and keeps its members', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      // Okta's rename sends id and displayName in a path-less value.
      expectStatus(
        await scim.patch(
          `/Groups/${group.id}`,
          patchOp({ op: 'replace', value: { id: group.id, displayName: 'New name' } }),
        ),
        204,
      );
      const get = await scim.get(`/Groups/${group.id}`);
      expect(get.body.displayName).toBe('New name');
      expect(get.body.members.map((m: { value: string }) => m.value)).toEqual([a.id]);
      expect((await scim.get(`/Users/${a.id}`)).body.groups[0].display).toBe('New name');
    });

    it('refuses a PATCH with a stale If-Match with 412', async () => {
      const a = await createUser();
      const group = await createGroup();
      expectScimError(
        await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }), {
          'if-match': 'W/"999"',
        }),
        412,
      );
      expect(await memberIds(group.id)).toEqual([]);
      expectStatus(
        await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }), {
          'if-match': group.meta.version,
        }),
        204,
      );
      expect(await memberIds(group.id)).toEqual([a.id]);
    });

    it('bumps the ETag when members change', async () => {
      const a = await createUser();
      const group = await createGroup();
      const res = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }),
      );
      expectStatus(res, 204);
      expect(res.headers.get('etag')).not.toBe(group.meta.version);
      expect((await scim.get(`/Groups/${group.id}`)).body.meta.version).toBe(res.headers.get('etag'));
    });
  });

  describe('replace (RFC 7644 §3.5.1)', () => {
    it('replaces members with PUT', async () => {
      const [a, b, c] = [await createUser(), await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      const res = await scim.put(
        `/Groups/${group.id}`,
        entraGroup({ displayName: group.displayName, members: [{ value: c.id }, { value: b.id }] }),
      );
      expectStatus(res, 200);
      expect(await memberIds(group.id)).toEqual(sorted(b.id, c.id));
      expect((await scim.get(`/Users/${a.id}`)).body).not.toHaveProperty('groups');
    });

    it('clears members and attributes left out of the PUT', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      const res = await scim.put(`/Groups/${group.id}`, { schemas: [CORE_GROUP], displayName: 'Only a name' });
      expectStatus(res, 200);
      const get = await scim.get(`/Groups/${group.id}`);
      expect(get.body).not.toHaveProperty('members');
      expect(get.body).not.toHaveProperty('externalId');
      expect(get.body.displayName).toBe('Only a name');
    });
  });

  describe('delete (RFC 7644 §3.6)', () => {
    it('answers 204, then GET 404, and the memberships are gone', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      expect((await scim.get(`/Users/${a.id}`)).body.groups).toHaveLength(1);
      const res = await scim.delete(`/Groups/${group.id}`);
      expectStatus(res, 204);
      expectScimError(await scim.get(`/Groups/${group.id}`), 404);
      expect((await scim.get(`/Users/${a.id}`)).body).not.toHaveProperty('groups');
      const byMember = await scim.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${a.id}"]`)}`);
      expect(byMember.body.totalResults).toBe(0);
      const [{ count }] = await t.dataSource.query(
        `SELECT count(*)::int AS count FROM staging.scim_group_member WHERE group_id = $1`,
        [group.id],
      );
      expect(count).toBe(0);
      expectScimError(await scim.delete(`/Groups/${group.id}`), 404);
    });

    it('drops a deleted user from the groups it was in', async () => {
      const [a, b] = [await createUser(), await createUser()];
      const group = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
      expectStatus(await scim.delete(`/Users/${a.id}`), 204);
      expect(await memberIds(group.id)).toEqual([b.id]);
    });

    it('refuses DELETE with a stale If-Match with 412', async () => {
      const group = await createGroup();
      expectScimError(await scim.delete(`/Groups/${group.id}`, { 'if-match': 'W/"999"' }), 412);
      expectStatus(await scim.get(`/Groups/${group.id}`), 200);
    });
  });

  describe('staging events', () => {
    it('writes staging.group.membership_changed with member ids only', async () => {
      const a = await createUser();
      const b = await createUser();
      const group = await createGroup();
      expectStatus(
        await scim.patch(
          `/Groups/${group.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }),
        ),
        204,
      );
      expectStatus(
        await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` })),
        204,
      );

      const rows = (await groupOutbox(group.id)).filter((r) => r.event_name === 'staging.group.membership_changed');
      expect(rows).toHaveLength(2);
      expect(rows[0].payload).toMatchObject({
        connectionId: f.connectionId,
        stagedGroupId: group.id,
        removed: [],
        addedCount: 2,
        removedCount: 0,
        replaced: false,
      });
      expect([...rows[0].payload.added].sort()).toEqual(sorted(a.id, b.id));
      expect(rows[1].payload).toMatchObject({ added: [], removed: [a.id], addedCount: 0, removedCount: 1 });
      for (const row of rows) {
        const text = JSON.stringify(row.payload).toLowerCase();
        for (const personal of [a.userName, b.userName, a.displayName, group.displayName])
          expect(text).not.toContain(String(personal).toLowerCase());
      }
    });

    it('writes no membership event for an idempotent add or remove', async () => {
      const a = await createUser();
      const group = await createGroup({ members: [{ value: a.id }] });
      const before = await groupOutbox(group.id);
      expectStatus(
        await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] })),
        204,
      );
      expectStatus(
        await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: `members[value eq "${randomUUID()}"]` })),
        204,
      );
      expect(await groupOutbox(group.id)).toEqual(before);
    });

    it('keeps the raw request body in staging.scim_group.raw_payload', async () => {
      const body = entraGroup({ schemas: [CORE_GROUP, MS_GROUP_SCHEMA] });
      const res = await scim.post('/Groups', body);
      expectStatus(res, 201);
      const [row] = await t.dataSource.query(`SELECT raw_payload FROM staging.scim_group WHERE id = $1`, [res.body.id]);
      expect(row.raw_payload).toEqual(body);
    });
  });
});
