import { TransactionHost } from '../../../src/shared/database/transaction-host';
import { StagingFacade } from '../../../src/modules/staging/public';
import { StagedGroupRepository } from '../../../src/modules/staging/infrastructure/staged-group.repository';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { ScimClient } from '../../utils/scim-client';

/**
 * A group PATCH that adds a member races a DELETE of that member. The PATCH checks the member is a
 * live user, then inserts the membership; the DELETE marks the user deleted and removes its
 * memberships. Interleaved check → delete → insert, both committed, would leave a deleted user in
 * the group. The test pauses the PATCH's transaction between its check and its insert (the
 * repository steps the PATCH runs) and lets the DELETE run meanwhile.
 */
describe('group member add vs member delete (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never leaves a deleted user in a group: the DELETE waits for the membership insert, then removes it', async () => {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const user = (await scim.post('/Users', entraUser({}, f.domain))).body;
    const group = (await scim.post('/Groups', entraGroup())).body;
    const scope = { tenantId: f.tenantId, connectionId: f.connectionId };
    const tx = t.app.get(TransactionHost);
    const groups = t.app.get(StagedGroupRepository);

    let checked!: () => void;
    const memberChecked = new Promise<void>((resolve) => (checked = resolve));
    let release!: () => void;
    const insertMayGo = new Promise<void>((resolve) => (release = resolve));
    const patch = tx.run(async () => {
      const types = await groups.resolveMemberTypes(scope, [user.id]);
      expect(types.get(user.id)).toBe('User');
      checked();
      await insertMayGo;
      await groups.addMembers(scope, group.id, [{ value: user.id, type: 'User' }]);
    });

    await memberChecked;
    let deleted = false;
    const del = t.app
      .get(StagingFacade)
      .deleteUser(scope, user.id)
      .then(() => (deleted = true));
    await new Promise((r) => setTimeout(r, 500));
    // The member's row is locked by the PATCH's check: the DELETE cannot have committed yet.
    expect(deleted).toBe(false);
    release();
    await Promise.all([patch, del]);

    const rows = await t.dataSource.query(`SELECT member_id FROM staging.scim_group_member WHERE group_id = $1`, [
      group.id,
    ]);
    expect(rows).toEqual([]);
    expect((await scim.get(`/Users/${user.id}`)).status).toBe(404);
    expect((await scim.get(`/Groups/${group.id}`)).body.members ?? []).toEqual([]);
  });

  it('ignores the member (accepted, not stored) when the DELETE committed before the PATCH checked it', async () => {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const user = (await scim.post('/Users', entraUser({}, f.domain))).body;
    const group = (await scim.post('/Groups', entraGroup())).body;
    expect((await scim.delete(`/Users/${user.id}`)).status).toBe(204);
    const res = await scim.patch(`/Groups/${group.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
    });
    // An unknown member id is ignored, not refused (docs/idp-dialects.md, "Decisions"): the IdP would retry a 400 forever.
    expect(res.status).toBe(204);
    const rows = await t.dataSource.query(`SELECT member_id FROM staging.scim_group_member WHERE group_id = $1`, [
      group.id,
    ]);
    expect(rows).toEqual([]);
  });

  it('a deleted group leaves the groups it was a member of', async () => {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const parent = (await scim.post('/Groups', entraGroup())).body;
    const child = (await scim.post('/Groups', entraGroup())).body;
    const add = await scim.patch(`/Groups/${parent.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: child.id }] }],
    });
    expect(add.status).toBe(204);
    expect((await scim.get(`/Groups/${parent.id}`)).body.members.map((m: { value: string }) => m.value)).toEqual([
      child.id,
    ]);
    expect((await scim.delete(`/Groups/${child.id}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${parent.id}`)).body.members ?? []).toEqual([]);
  });
});
