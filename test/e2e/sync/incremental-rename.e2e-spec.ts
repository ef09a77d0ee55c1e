import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import {
  emailOf,
  internalGroup,
  memberByEmail,
  patchGroup,
  putMappings,
  runSync,
  scimGroup,
  scimUser,
  syncFixture,
} from './sync-helpers';

/**
 * The scheduled safety net on its own (the relay is off, so the immediate revocation never runs):
 * an incremental run must reach every member whose access a changed group could have given or
 * taken, under the group's old name as well as its new one (issue #16, found by a model-based run).
 */
describe('incremental sync after a removal and a rename', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createIsolatedTestApp({ OUTBOX_RELAY_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('remove a member from mapped "Finance", rename it "Finance Archive": the next incremental run revokes', async () => {
    const f = await syncFixture(t);
    const finance = await internalGroup(t, f.tenantId, { name: 'Finance Staff', permissions: ['audit.read'] });
    const alice = await scimUser(f);
    const bob = await scimUser(f);
    const group = await scimGroup(f, { displayName: 'Finance' }, [alice.id, bob.id]);
    await putMappings(t, f.connectionId, [{ scimGroup: { displayName: 'Finance' }, internalGroupId: finance.id }]);
    expect((await runSync(t, f.connectionId, 'full')).status).toBe('completed');
    expect((await memberByEmail(t, f.tenantId, emailOf(alice))).permissions).toEqual(['audit.read']);

    await patchGroup(f, group.id, { op: 'remove', path: `members[value eq "${alice.id}"]` });
    await patchGroup(f, group.id, { op: 'replace', path: 'displayName', value: 'Finance Archive' });
    // Nothing applied it yet (no relay): alice still holds the access.
    expect((await memberByEmail(t, f.tenantId, emailOf(alice))).permissions).toEqual(['audit.read']);

    const run = await runSync(t, f.connectionId, 'incremental');
    expect(run).toMatchObject({ status: 'completed', mode: 'incremental' });
    const collect = run.steps.find((s: { name: string }) => s.name === 'collect-changes');
    expect(collect.detail).toMatchObject({ changedGroups: 1, formerNames: 1, groupHolders: 2 });
    expect((await memberByEmail(t, f.tenantId, emailOf(alice))).permissions).toEqual([]);
    // Bob is still a member of the renamed group, which no rule maps any more.
    expect((await memberByEmail(t, f.tenantId, emailOf(bob))).permissions).toEqual([]);
    expect(run.counts).toMatchObject({ updated: 2, provisioned: 0, deprovisioned: 0 });
  });
});
