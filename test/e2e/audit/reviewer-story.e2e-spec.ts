import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { patchOp, ScimClient } from '../../utils/scim-client';
import { csvObjects } from './audit-csv';

/**
 * Issue #18's reviewer: "when did Ada lose `audit.read`, who granted it, what changed in her
 * record?" — answered by ONE `?subject=` call and by a CSV export, end to end: Ada is pushed by
 * SCIM (Entra), synced, given `audit.read` through a group mapping an admin API key created, her
 * title is PATCHed, then the IdP removes her from the group. A database of its own: the SSO domain
 * is the reviewer's `acme.example`.
 */
describe("Audit trail: a reviewer's questions about one person", () => {
  const ADA = 'ada@acme.example';
  let t: TestApp;
  let f: TenantFixture;
  let scim: ScimClient;
  let keyId: string;
  let adaId: string;
  let groupId: string;
  let internalGroupId: string;

  beforeAll(async () => {
    t = await createIsolatedTestApp();
    f = await createTenantWithConnection(t.admin, { domain: 'acme.example', name: 'Acme' });
    scim = new ScimClient(t.baseUrl, f);
  });
  afterAll(async () => {
    await t?.close();
  });

  const sync = async () => {
    // A full run: grants of new mapping rules wait for one (docs/admin-api.md, group mappings).
    const run = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`, { mode: 'full' });
    expect(run.status).toBe(202);
    await expectEventually(
      async () => expect((await t.admin.get(`/admin/v1/sync-runs/${run.body.id}`)).body.status).toBe('completed'),
      20000,
      100,
    );
    return run.body.id as string;
  };

  it('plays the story: SCIM push, sync, a mapping by an admin key, sync, a PATCH, the IdP removal', async () => {
    const ada = await scim.post(
      '/Users',
      entraUser(
        {
          externalId: 'ada-0001',
          userName: ADA,
          displayName: 'Ada Lovelace',
          emails: [{ primary: true, type: 'work', value: ADA }],
          name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
          title: 'Engineer',
        },
        'acme.example',
      ),
    );
    expect(ada.status).toBe(201);
    adaId = ada.body.id;
    const group = await scim.post('/Groups', entraGroup({ displayName: 'Auditors', members: [{ value: adaId }] }));
    expect(group.status).toBe(201);
    groupId = group.body.id;
    await sync();

    const key = await t.admin.post('/admin/v1/api-keys', {
      name: 'Access admin',
      scope: 'tenant',
      tenantId: f.tenantId,
    });
    expect(key.status).toBe(201);
    keyId = key.body.id;
    const accessAdmin = t.http.withToken(key.body.key);
    const site = await accessAdmin.post(`/admin/v1/tenants/${f.tenantId}/sites`, { name: 'Berlin' });
    expect(site.status).toBe(201);
    const internal = await accessAdmin.post(`/admin/v1/tenants/${f.tenantId}/groups`, {
      name: 'Audit readers',
      permissions: ['audit.read'],
      siteIds: [site.body.id],
    });
    expect(internal.status).toBe(201);
    internalGroupId = internal.body.id;
    const mapped = await accessAdmin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
      mappings: [{ scimGroup: { displayName: 'Auditors' }, internalGroupId }],
    });
    expect(mapped.status).toBe(200);
    await sync();

    const patched = await scim.patch(`/Users/${adaId}`, patchOp({ op: 'Replace', path: 'title', value: 'Auditor' }));
    expect(patched.status).toBeLessThan(300);
    const removed = await scim.patch(
      `/Groups/${groupId}`,
      patchOp({ op: 'Remove', path: `members[value eq "${adaId}"]` }),
    );
    expect(removed.status).toBe(204);
    await t.drainOutbox();
  });

  it('answers all three questions from one ?subject= call', async () => {
    let items: any[] = [];
    await expectEventually(
      async () => {
        const res = await t.admin.get(`/admin/v1/audit-events?subject=${encodeURIComponent(ADA)}&limit=200`);
        expect(res.status).toBe(200);
        items = res.body.items;
        expect(items.map((e) => e.action)).toEqual(
          expect.arrayContaining(['member.access_revoked', 'scim_user.updated']),
        );
      },
      15000,
      100,
    );
    for (const e of items) expect(e.subject).toMatchObject({ email: ADA });

    // When did she lose audit.read: the entry names the group, the permission, and the IdP removal.
    const lost = items.find((e) => e.action === 'member.access_revoked');
    expect(lost.occurredAt).toEqual(expect.any(String));
    expect(lost.details.access).toEqual([
      {
        change: 'taken',
        internalGroupId,
        internalGroupName: 'Audit readers',
        permissions: ['audit.read'],
        sites: [{ id: expect.any(String), name: 'Berlin' }],
        reason: 'idp_removal',
      },
    ]);
    expect(lost.details.scimGroup).toEqual({ displayName: 'Auditors', externalId: expect.any(String) });
    expect(lost.summary).toMatch(
      /lost internal group "Audit readers" \(permissions: audit\.read; sites: Berlin\) — IdP removal/,
    );

    // Who granted it: the sync decision names the mapping rule and the admin key that added it.
    const granted = items.find((e) => (e.details.access ?? []).some((a: any) => a.change === 'given'));
    expect(granted.action).toBe('member.updated');
    expect(granted.details.access).toEqual([
      expect.objectContaining({
        change: 'given',
        internalGroupName: 'Audit readers',
        permissions: ['audit.read'],
        reason: 'sync_decision',
        rules: [
          {
            scimGroupDisplayName: 'Auditors',
            scimGroupExternalId: null,
            createdAt: expect.any(String),
            createdBy: { type: 'admin', keyId, keyName: 'Access admin', scope: 'tenant' },
          },
        ],
      }),
    ]);
    expect(granted.summary).toContain(`added by API key "Access admin" (id ${keyId})`);
    expect(Date.parse(granted.occurredAt)).toBeLessThan(Date.parse(lost.occurredAt));
    // The mapping change itself is in the trail under that key.
    const mappingChange = (
      await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&limit=200`)
    ).body.items.find((e: any) => e.action === 'group_mappings.replaced');
    expect(mappingChange.actor).toMatchObject({ type: 'admin', keyId, keyName: 'Access admin' });

    // What changed in her record: old and new values.
    const titled = items.find(
      (e) => e.action === 'scim_user.updated' && e.details.changes?.some((c: any) => c.attribute === 'title'),
    );
    expect(titled.details.changes).toEqual([{ attribute: 'title', old: 'Engineer', new: 'Auditor' }]);
    expect(titled.summary).toContain('title "Engineer" → "Auditor"');
  });

  it('keeps who added a rule when a later replacement keeps the rule', async () => {
    const other = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, {
      name: 'Readers',
      permissions: ['x.read'],
    });
    const res = await t.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
      mappings: [
        { scimGroup: { displayName: 'Auditors' }, internalGroupId },
        { scimGroup: { displayName: 'Readers' }, internalGroupId: other.body.id },
      ],
    });
    expect(res.status).toBe(200);
    const rows: Array<{ name: string; created_by: any }> = await t.dataSource.query(
      `SELECT scim_group_display_name AS name, created_by FROM tenancy.group_mapping WHERE connection_id = $1 ORDER BY 1`,
      [f.connectionId],
    );
    expect(rows).toEqual([
      { name: 'Auditors', created_by: { type: 'admin', keyId, keyName: 'Access admin', scope: 'tenant' } },
      { name: 'Readers', created_by: { type: 'admin', keyId: 'bootstrap', keyName: 'bootstrap', scope: 'admin' } },
    ]);
  });

  it('records admin changes with old and new values, and names what an admin revocation took', async () => {
    const base = `/admin/v1/tenants/${f.tenantId}`;
    const site = (await t.admin.post(`${base}/sites`, { name: 'Paris' })).body;
    expect((await t.admin.patch(`${base}/sites/${site.id}`, { name: 'Lyon' })).status).toBe(200);
    const grp = (await t.admin.post(`${base}/groups`, { name: 'Ops', permissions: ['a.read'] })).body;
    const upd = await t.admin.patch(`${base}/groups/${grp.id}`, {
      name: 'Ops team',
      permissions: ['a.read', 'b.write'],
      siteIds: [site.id],
    });
    expect(upd.status).toBe(200);
    // Bob holds "Ops" by hand; an admin then revokes him.
    const bob = (await t.admin.post(`${base}/members`, { email: 'bob@acme.example' })).body;
    await t.dataSource.query(
      `INSERT INTO tenancy.membership_group (membership_id, group_id, source)
       SELECT m.id, $2, 'manual' FROM tenancy.membership m WHERE m.tenant_id = $1 AND m.account_id = $3`,
      [f.tenantId, grp.id, bob.accountId],
    );
    expect((await t.admin.delete(`${base}/members/${bob.accountId}`)).status).toBe(204);
    await t.drainOutbox();
    const items: any[] = (await t.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&limit=500&order=desc`)).body
      .items;
    const find = (action: string, id: string) => items.find((e) => e.action === action && e.target?.id === id);
    expect(find('site.updated', site.id).details.changes).toEqual([{ attribute: 'name', old: 'Paris', new: 'Lyon' }]);
    expect(find('internal_group.updated', grp.id).details.changes).toEqual([
      { attribute: 'name', old: 'Ops', new: 'Ops team' },
      { attribute: 'permissions', added: ['b.write'], removed: [], addedCount: 1, removedCount: 0 },
      { attribute: 'sites', added: ['Lyon'], removed: [], addedCount: 1, removedCount: 0 },
    ]);
    const mappings = items.filter((e) => e.action === 'group_mappings.replaced');
    expect(mappings[0].details.changes).toEqual([
      {
        attribute: 'mappings',
        added: [
          {
            scimGroupDisplayName: 'Readers',
            scimGroupExternalId: null,
            internalGroupId: expect.any(String),
            internalGroupName: 'Readers',
          },
        ],
        removed: [],
        addedCount: 1,
        removedCount: 0,
      },
    ]);
    expect(mappings[0].summary).toContain('added "Readers" → Readers');
    const revoked = items.find((e) => e.action === 'membership.revoked' && e.subject?.email === 'bob@acme.example');
    expect(revoked.details.access).toEqual([
      expect.objectContaining({
        change: 'taken',
        internalGroupName: 'Ops team',
        permissions: ['a.read', 'b.write'],
        reason: 'admin',
      }),
    ]);
    expect(items.find((e) => e.action === 'member.added' && e.subject?.email === 'bob@acme.example')).toBeDefined();
  });

  it('finds her by email in a CSV export: subject_email on the provisioning, grant, change and loss rows', async () => {
    const res = await t.admin.get(`/admin/v1/audit-events/export?tenantId=${f.tenantId}&format=csv`);
    expect(res.status).toBe(200);
    const rows = csvObjects(res.text).filter((r) => r.subject_email === ADA);
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'scim_user.created',
        'member.provisioned',
        'member.updated',
        'scim_user.updated',
        'member.access_revoked',
      ]),
    );
    expect(rows.every((r) => r.subject_user_name === ADA || r.subject_user_name === '')).toBe(true);
    const lost = JSON.parse(rows.find((r) => r.action === 'member.access_revoked')!.details);
    expect(lost.access).toEqual([expect.objectContaining({ permissions: ['audit.read'], reason: 'idp_removal' })]);
    // `grep ada@acme.example` on the file: every row about her, and only hers here.
    const grepped = res.text.split('\n').filter((line) => line.includes(ADA));
    expect(grepped.length).toBeGreaterThanOrEqual(rows.length);
  });
});
