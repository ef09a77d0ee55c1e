import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import {
  emailOf,
  internalGroup,
  memberByEmail,
  members,
  patchGroup,
  patchUser,
  putMappings,
  runSync,
  scimGroup,
  scimUser,
  site,
  skipOf,
  stagedRows,
  syncFixture,
  waitForRun,
  type SyncFixture,
} from './sync-helpers';

const ZERO_CHANGES = { provisioned: 0, updated: 0, deprovisioned: 0 };

describe('Sync runs: staged users become tenant members (issue #5)', () => {
  let t: TestApp;

  // A database of its own, so drainOutbox() and the outbox assertions see this suite's events only.
  beforeAll(async () => {
    t = await createIsolatedTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const outbox = (name: string, key: string, value: string): Promise<Array<{ payload: any }>> =>
    t.dataSource.query(`SELECT payload FROM test_outbox_log WHERE event_name = $1 AND payload->>$2 = $3 ORDER BY id`, [
      name,
      key,
      value,
    ]);

  describe('eligibility', () => {
    let f: SyncFixture;
    let run: any;
    const u: Record<string, any> = {};

    beforeAll(async () => {
      f = await syncFixture(t);
      u.eligible = await scimUser(f);
      u.otherDomain = await scimUser(f, {}, 'elsewhere.example');
      u.noEmail = await scimUser(f, { userName: `plainname${Date.now()}`, emails: [] });
      u.inactive = await scimUser(f, { active: false });
      u.deleted = await scimUser(f);
      expect((await f.scim.delete(`/Users/${u.deleted.id}`)).status).toBe(204);
      u.manual = await scimUser(f);
      const added = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: emailOf(u.manual) });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ email: emailOf(u.manual), status: 'active', source: 'manual' });
      u.userNameEmail = await scimUser(f, { emails: [] }); // userName is an email of the domain
      run = await runSync(t, f.connectionId);
    });

    it('provisions eligible users — an email of an SSO domain, active, not deleted, not a member', async () => {
      expect(run).toMatchObject({ status: 'completed', trigger: 'manual', mode: 'full' });
      expect(run.counts).toEqual({ provisioned: 2, updated: 0, deprovisioned: 0, skipped: 5, unchanged: 0 });
      expect(await memberByEmail(t, f.tenantId, emailOf(u.eligible))).toMatchObject({
        status: 'active',
        source: 'scim',
        stagedUserId: u.eligible.id,
      });
      expect(await memberByEmail(t, f.tenantId, u.userNameEmail.userName)).toMatchObject({
        status: 'active',
        source: 'scim',
      });
    });

    it.each([
      ['otherDomain', 'domain_not_allowed'],
      ['noEmail', 'no_email'],
      ['inactive', 'inactive'],
      ['deleted', 'deleted'],
      ['manual', 'already_member'],
    ])('records %s as skipped with reason %s', (key, reason) => {
      expect(skipOf(run, u[key].id)).toBe(reason);
    });

    it('never takes over a manual member', async () => {
      expect(await memberByEmail(t, f.tenantId, emailOf(u.manual))).toMatchObject({
        source: 'manual',
        status: 'active',
        stagedUserId: null,
        connectionId: null,
      });
    });

    it('shows syncedAt and the last skip reason on the staged rows', async () => {
      const rows = await stagedRows(t, f.connectionId);
      const row = (id: string) => rows.find((r) => r.id === id);
      expect(row(u.eligible.id)).toMatchObject({ syncSkipReason: null, syncedAt: expect.any(String) });
      expect(row(u.otherDomain.id)).toMatchObject({ syncSkipReason: 'domain_not_allowed', syncedAt: null });
      expect(row(u.manual.id)).toMatchObject({ syncSkipReason: 'already_member', syncedAt: null });
      expect(row(u.deleted.id)).toMatchObject({ syncSkipReason: 'deleted' });
    });

    it('publishes run started/completed, member provisioned and one skip event per skipped user', async () => {
      expect(await outbox('sync.run.started', 'syncRunId', run.id)).toHaveLength(1);
      const [completed] = await outbox('sync.run.completed', 'syncRunId', run.id);
      expect(completed.payload).toMatchObject({
        connectionId: f.connectionId,
        trigger: 'manual',
        mode: 'full',
        counts: run.counts,
      });
      expect(await outbox('tenancy.member.provisioned', 'syncRunId', run.id)).toHaveLength(2);
      const skipped = await outbox('sync.users.skipped', 'syncRunId', run.id);
      expect(skipped).toHaveLength(5);
      const byReason = Object.fromEntries(skipped.map((e) => [e.payload.skips[0].reason, e.payload]));
      expect(Object.keys(byReason).sort()).toEqual([
        'already_member',
        'deleted',
        'domain_not_allowed',
        'inactive',
        'no_email',
      ]);
      for (const p of skipped.map((e) => e.payload)) {
        expect(p.skips).toHaveLength(1);
        expect(p.countsByReason).toEqual({ [p.skips[0].reason]: 1 });
      }
      // The person is named, so the audit trail finds the entry by userName or email.
      expect(byReason.domain_not_allowed).toMatchObject({
        skips: [{ stagedUserId: u.otherDomain.id }],
        subject: { userName: expect.any(String), email: expect.stringContaining('@') },
      });
    });

    it('changes nothing when run again (idempotent)', async () => {
      const again = await runSync(t, f.connectionId, 'full');
      expect(again.counts).toMatchObject({ ...ZERO_CHANGES, unchanged: 2, skipped: 5 });
      const incremental = await runSync(t, f.connectionId);
      expect(incremental.mode).toBe('incremental');
      expect(incremental.counts).toMatchObject(ZERO_CHANGES);
    });
  });

  describe('group mapping, permissions and sites', () => {
    let f: SyncFixture;
    let g: Record<string, any>;
    let s: Record<string, any>;
    let scim: Record<string, any>;
    let ann: any;
    let bob: any;

    beforeAll(async () => {
      f = await syncFixture(t);
      s = {
        oslo: await site(t, f.tenantId, 'Oslo'),
        bergen: await site(t, f.tenantId, 'Bergen'),
        tromso: await site(t, f.tenantId, 'Tromsø'),
      };
      g = {
        readers: await internalGroup(t, f.tenantId, {
          name: 'Readers',
          permissions: ['reports:read', 'boards:read'],
          siteIds: [s.oslo.id],
        }),
        editors: await internalGroup(t, f.tenantId, {
          name: 'Editors',
          permissions: ['reports:write', 'reports:read'],
          siteIds: [s.oslo.id, s.bergen.id],
        }),
        north: await internalGroup(t, f.tenantId, { name: 'North', permissions: [], siteIds: [s.tromso.id] }),
      };
      ann = await scimUser(f);
      bob = await scimUser(f);
      scim = {
        readers: await scimGroup(f, { displayName: 'All Readers' }, [ann.id, bob.id]),
        editors: await scimGroup(f, { displayName: 'Editors EMEA', externalId: 'ext-editors' }, [ann.id]),
        north: await scimGroup(f, { displayName: 'North' }, []),
      };
      await putMappings(t, f.connectionId, [
        { scimGroup: { displayName: 'all readers' }, internalGroupId: g.readers.id },
        { scimGroup: { externalId: 'ext-editors' }, internalGroupId: g.editors.id },
        { scimGroup: { displayName: 'NORTH' }, internalGroupId: g.north.id },
      ]);
      await runSync(t, f.connectionId);
    });

    it('lists the mapping rules in the shape PUT takes', async () => {
      const res = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`);
      expect(res.status).toBe(200);
      expect(res.body.mappings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            scimGroup: { displayName: 'all readers' },
            internalGroupId: g.readers.id,
            internalGroupName: 'Readers',
          }),
          expect.objectContaining({ scimGroup: { externalId: 'ext-editors' }, internalGroupId: g.editors.id }),
        ]),
      );
      expect(res.body.mappings).toHaveLength(3);
    });

    it('assigns internal groups through the mapping (displayName case-insensitive, externalId) with the union of permissions and sites', async () => {
      const a = await memberByEmail(t, f.tenantId, emailOf(ann));
      expect(a.groups.map((x: any) => x.name)).toEqual(['Editors', 'Readers']);
      expect(a.permissions).toEqual(['boards:read', 'reports:read', 'reports:write']);
      expect(a.sites).toEqual([
        { id: s.bergen.id, name: 'Bergen' },
        { id: s.oslo.id, name: 'Oslo' },
      ]);
      const b = await memberByEmail(t, f.tenantId, emailOf(bob));
      expect(b.groups).toEqual([{ id: g.readers.id, name: 'Readers' }]);
      expect(b.permissions).toEqual(['boards:read', 'reports:read']);
      expect(b.sites).toEqual([{ id: s.oslo.id, name: 'Oslo' }]);
    });

    it('follows group membership changes: added to one group, removed from another (incremental run)', async () => {
      await patchGroup(f, scim.north.id, { op: 'add', path: 'members', value: [{ value: bob.id }] });
      await patchGroup(f, scim.readers.id, { op: 'remove', path: `members[value eq "${bob.id}"]` });
      const run = await runSync(t, f.connectionId);
      expect(run.mode).toBe('incremental');
      expect(run.counts).toMatchObject({ updated: 1, provisioned: 0, deprovisioned: 0 });
      const b = await memberByEmail(t, f.tenantId, emailOf(bob));
      expect(b.groups).toEqual([{ id: g.north.id, name: 'North' }]);
      expect(b.permissions).toEqual([]);
      expect(b.sites).toEqual([{ id: s.tromso.id, name: 'Tromsø' }]);
      const [updated] = await outbox('tenancy.member.updated', 'syncRunId', run.id);
      expect(updated.payload).toMatchObject({ stagedUserId: bob.id, changedAttributes: ['groups'] });
    });

    it('applies a group deleted in the IdP to its former members at once; the next run has nothing left to do', async () => {
      expect((await f.scim.delete(`/Groups/${scim.editors.id}`)).status).toBe(204);
      await expectEventually(async () =>
        expect((await memberByEmail(t, f.tenantId, emailOf(ann))).groups.map((x: any) => x.name)).toEqual(['Readers']),
      );
      const run = await runSync(t, f.connectionId);
      expect(run.counts.updated).toBe(0);
      expect((await memberByEmail(t, f.tenantId, emailOf(ann))).groups.map((x: any) => x.name)).toEqual(['Readers']);
    });

    it('makes the next run full when the mapping changes, and reassigns', async () => {
      await putMappings(t, f.connectionId, [
        { scimGroup: { displayName: 'All Readers' }, internalGroupId: g.editors.id },
      ]);
      const run = await runSync(t, f.connectionId);
      expect(run).toMatchObject({ mode: 'full', modeReason: expect.stringMatching(/mappings changed/) });
      expect((await memberByEmail(t, f.tenantId, emailOf(ann))).groups.map((x: any) => x.name)).toEqual(['Editors']);
      expect((await memberByEmail(t, f.tenantId, emailOf(bob))).groups).toEqual([]);
    });

    it("reflects a change of an internal group's permissions at once, without a run", async () => {
      const res = await t.admin.patch(`/admin/v1/tenants/${f.tenantId}/groups/${g.editors.id}`, {
        permissions: ['z:all', 'a:all', 'a:all'],
      });
      expect(res.status).toBe(200);
      expect(res.body.permissions).toEqual(['a:all', 'z:all']);
      expect((await memberByEmail(t, f.tenantId, emailOf(ann))).permissions).toEqual(['a:all', 'z:all']);
    });

    it('refuses invalid mapping rules', async () => {
      const both = await t.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
        mappings: [{ scimGroup: { displayName: 'X', externalId: 'y' }, internalGroupId: g.readers.id }],
      });
      expect(both.status).toBe(400);
      expect(both.body.details[0]).toMatchObject({ field: 'mappings.0.scimGroup' });
      const other = await syncFixture(t);
      const foreign = await internalGroup(t, other.tenantId, { name: 'Foreign' });
      const res = await t.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
        mappings: [{ scimGroup: { displayName: 'X' }, internalGroupId: foreign.id }],
      });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toMatchObject({ field: 'mappings.0.internalGroupId' });
      const missing = await t.admin.put(`/admin/v1/scim-connections/${f.connectionId}/group-mappings`, {
        mappings: [{ internalGroupId: g.readers.id }],
      });
      expect(missing.status).toBe(400);
    });
  });

  describe('updates, deprovisioning and reactivation', () => {
    let f: SyncFixture;
    let ann: any;

    beforeAll(async () => {
      f = await syncFixture(t);
      ann = await scimUser(f, { name: { givenName: 'Ann', familyName: 'Lee' }, displayName: 'Ann Lee' });
      await runSync(t, f.connectionId);
    });

    it("updates a member's names and email from the IdP", async () => {
      const before = await memberByEmail(t, f.tenantId, emailOf(ann));
      const newEmail = `ann.lee.${Date.now()}@${f.domain}`;
      await patchUser(
        f,
        ann.id,
        { op: 'replace', path: 'displayName', value: 'Ann Lee-Berg' },
        { op: 'replace', path: 'name.familyName', value: 'Lee-Berg' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: newEmail },
      );
      const run = await runSync(t, f.connectionId);
      expect(run.counts).toMatchObject({ updated: 1, provisioned: 0, deprovisioned: 0 });
      const after = await memberByEmail(t, f.tenantId, newEmail);
      expect(after).toMatchObject({
        accountId: before.accountId,
        displayName: 'Ann Lee-Berg',
        givenName: 'Ann',
        familyName: 'Lee-Berg',
        status: 'active',
      });
      expect(await memberByEmail(t, f.tenantId, emailOf(ann))).toBeUndefined();
      const [event] = await outbox('tenancy.member.updated', 'syncRunId', run.id);
      expect(event.payload.changedAttributes).toEqual(['email', 'displayName', 'familyName']);
      ann = { ...ann, emails: [{ value: newEmail }] };
    });

    it('revokes a member whose staged row became inactive while the event path was bypassed (safety net)', async () => {
      // Straight into the staging table: no StagedUserDeactivatedEvent, so only the run can catch it.
      await t.dataSource.query(
        `UPDATE staging.scim_user SET active = false, updated_at = clock_timestamp() WHERE id = $1`,
        [ann.id],
      );
      const run = await runSync(t, f.connectionId);
      expect(run.counts).toMatchObject({ deprovisioned: 1, provisioned: 0, updated: 0 });
      expect(await memberByEmail(t, f.tenantId, emailOf(ann))).toMatchObject({
        status: 'revoked',
        revokedReason: 'sync_deprovisioned',
      });
      const [revoked] = await outbox('tenancy.membership.revoked', 'syncRunId', run.id);
      expect(revoked.payload).toMatchObject({
        reason: 'sync_deprovisioned',
        stagedUserId: ann.id,
        connectionId: f.connectionId,
      });
      const again = await runSync(t, f.connectionId);
      expect(again).toMatchObject({ mode: 'incremental', counts: { ...ZERO_CHANGES, skipped: 0 } }); // nothing changed since
      const full = await runSync(t, f.connectionId, 'full');
      expect(full.counts).toMatchObject(ZERO_CHANGES);
      expect(skipOf(full, ann.id)).toBe('inactive');
    });

    it('restores the membership of a reactivated user at the next run', async () => {
      await patchUser(f, ann.id, { op: 'replace', path: 'active', value: true });
      const run = await runSync(t, f.connectionId);
      expect(run.counts).toMatchObject({ provisioned: 1, deprovisioned: 0 });
      expect(await memberByEmail(t, f.tenantId, emailOf(ann))).toMatchObject({
        status: 'active',
        source: 'scim',
        revokedReason: null,
      });
      const [event] = await outbox('tenancy.member.provisioned', 'syncRunId', run.id);
      expect(event.payload).toMatchObject({ reactivated: true, stagedUserId: ann.id });
    });

    it('leaves the event-driven revocation alone: the run then only records the user as inactive', async () => {
      await patchUser(f, ann.id, { op: 'replace', path: 'active', value: false });
      await t.drainOutbox();
      await expectEventually(async () =>
        expect((await memberByEmail(t, f.tenantId, emailOf(ann))).status).toBe('revoked'),
      );
      const run = await runSync(t, f.connectionId, 'full');
      expect(run.counts).toMatchObject(ZERO_CHANGES);
      expect(skipOf(run, ann.id)).toBe('inactive');
    });

    it('applies the domain rules again on reactivation', async () => {
      await patchUser(
        f,
        ann.id,
        { op: 'replace', path: 'emails[type eq "work"].value', value: `ann@not-${f.domain}` },
        { op: 'replace', path: 'active', value: true },
      );
      const run = await runSync(t, f.connectionId);
      expect(run.counts).toMatchObject(ZERO_CHANGES);
      expect(skipOf(run, ann.id)).toBe('domain_not_allowed');
    });

    it('revokes through the deprovision-only run', async () => {
      const bob = await scimUser(f);
      await runSync(t, f.connectionId);
      await t.dataSource.query(
        `UPDATE staging.scim_user SET deleted_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1`,
        [bob.id],
      );
      const run = await runSync(t, f.connectionId, 'deprovision');
      expect(run).toMatchObject({ mode: 'deprovision', status: 'completed' });
      expect(run.counts).toEqual({ provisioned: 0, updated: 0, deprovisioned: 1, skipped: 0, unchanged: 0 });
      expect(run.steps.map((s: any) => s.name)).toEqual(['prepare', 'deprovision-users']);
      expect(await memberByEmail(t, f.tenantId, emailOf(bob))).toMatchObject({
        status: 'revoked',
        revokedReason: 'sync_deprovisioned',
      });
    });
  });

  describe('a user that cannot be applied', () => {
    it('does not block its batch: the batch is retried user by user, the bad user recorded as error and retried next run', async () => {
      const f = await syncFixture(t);
      const good = [await scimUser(f), await scimUser(f)];
      const bad = await scimUser(f, {
        userName: `poison@${f.domain}`,
        emails: [{ type: 'work', value: `poison@${f.domain}` }],
      });
      // A fault confined to this tenant's poison address: its account INSERT fails.
      const fn = `sync_test_poison_${f.tenantId.replace(/-/g, '')}`;
      await t.dataSource.query(
        `CREATE FUNCTION tenancy.${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned account'; END $$`,
      );
      await t.dataSource.query(
        `CREATE TRIGGER ${fn} BEFORE INSERT ON tenancy.account FOR EACH ROW WHEN (NEW.email = 'poison@${f.domain}') EXECUTE FUNCTION tenancy.${fn}()`,
      );
      let run: any;
      try {
        run = await runSync(t, f.connectionId);
      } finally {
        await t.dataSource.query(`DROP TRIGGER ${fn} ON tenancy.account`);
        await t.dataSource.query(`DROP FUNCTION tenancy.${fn}()`);
      }
      expect(run).toMatchObject({ status: 'completed', counts: { provisioned: 2, skipped: 1 } });
      expect(run.skips.items).toEqual([
        {
          stagedUserId: bad.id,
          userName: bad.userName,
          reason: 'error',
          detail: expect.stringContaining('poisoned account'),
        },
      ]);
      for (const u of good) expect(await memberByEmail(t, f.tenantId, emailOf(u))).toMatchObject({ status: 'active' });
      expect(await memberByEmail(t, f.tenantId, bad.userName)).toBeUndefined();
      expect((await stagedRows(t, f.connectionId)).find((r) => r.id === bad.id).syncSkipReason).toBe('error');
      const retry = await runSync(t, f.connectionId);
      expect(retry).toMatchObject({ mode: 'incremental', counts: { provisioned: 1, skipped: 0 } });
      expect(await memberByEmail(t, f.tenantId, bad.userName)).toMatchObject({ status: 'active' });
    });
  });

  describe('admin revocation and manual members', () => {
    it('revokes on DELETE (reason admin) and the run does not undo it', async () => {
      const f = await syncFixture(t);
      const ann = await scimUser(f);
      await runSync(t, f.connectionId);
      const m = await memberByEmail(t, f.tenantId, emailOf(ann));
      expect((await t.admin.delete(`/admin/v1/tenants/${f.tenantId}/members/${m.accountId}`)).status).toBe(204);
      expect((await t.admin.delete(`/admin/v1/tenants/${f.tenantId}/members/${m.accountId}`)).status).toBe(204);
      const events = await t.dataSource.query(
        `SELECT payload FROM test_outbox_log WHERE event_name = 'tenancy.membership.revoked' AND payload->>'accountId' = $1`,
        [m.accountId],
      );
      expect(events.map((e: any) => e.payload.reason)).toEqual(['admin']);
      const run = await runSync(t, f.connectionId, 'full');
      expect(run.counts).toMatchObject(ZERO_CHANGES);
      expect(skipOf(run, ann.id)).toBe('revoked_by_admin');
      // Re-adding by hand makes it a manual member, which Sync then leaves alone.
      expect(
        (await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: emailOf(ann) })).body,
      ).toMatchObject({ source: 'manual', status: 'active' });
      expect(skipOf(await runSync(t, f.connectionId, 'full'), ann.id)).toBe('already_member');
    });

    it('answers 409 for an active member, 400 for a bad email, 404 for unknown tenants and accounts', async () => {
      const f = await syncFixture(t);
      expect(
        (await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: 'Zed@Partner.example' })).body.email,
      ).toBe('zed@partner.example');
      expect(
        (await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: 'zed@partner.example' })).status,
      ).toBe(409);
      expect((await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: 'not an email' })).status).toBe(
        400,
      );
      expect((await t.admin.get(`/admin/v1/tenants/00000000-0000-4000-8000-000000000000/members`)).status).toBe(404);
      expect(
        (await t.admin.delete(`/admin/v1/tenants/${f.tenantId}/members/00000000-0000-4000-8000-000000000000`)).status,
      ).toBe(404);
    });
  });

  describe('members list', () => {
    it('has the documented shape', async () => {
      const f = await syncFixture(t);
      const oslo = await site(t, f.tenantId, 'Oslo');
      const grp = await internalGroup(t, f.tenantId, {
        name: 'Ops',
        permissions: ['ops:b', 'ops:a'],
        siteIds: [oslo.id],
      });
      const ann = await scimUser(f);
      const sg = await scimGroup(f, {}, [ann.id]);
      await putMappings(t, f.connectionId, [{ scimGroup: { displayName: sg.displayName }, internalGroupId: grp.id }]);
      await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: `aaa@${f.domain}` });
      await runSync(t, f.connectionId);
      const list = await members(t, f.tenantId);
      expect(list).toEqual([
        expect.objectContaining({
          accountId: expect.any(String),
          email: `aaa@${f.domain}`,
          status: 'active',
          source: 'manual',
          groups: [],
          permissions: [],
          sites: [],
        }),
        expect.objectContaining({
          email: emailOf(ann),
          status: 'active',
          source: 'scim',
          groups: [{ id: grp.id, name: 'Ops' }],
          permissions: ['ops:a', 'ops:b'],
          sites: [{ id: oslo.id, name: 'Oslo' }],
        }),
      ]);
      const paged = await t.admin.get(`/admin/v1/tenants/${f.tenantId}/members?limit=1`);
      expect(paged.body.items).toHaveLength(1);
      const next = await t.admin.get(`/admin/v1/tenants/${f.tenantId}/members?limit=1&cursor=${paged.body.nextCursor}`);
      expect(next.body.items[0].email).toBe(emailOf(ann));
    });
  });

  describe('preview', () => {
    it('shows what a run would do and changes nothing', async () => {
      const f = await syncFixture(t);
      const ann = await scimUser(f);
      const out = await scimUser(f, {}, 'elsewhere.example');
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM test_outbox_log WHERE tenant_id = $1`, [
        f.tenantId,
      ]);
      const res = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/sync-preview`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        counts: { provision: 1, update: 0, deprovision: 0, skip: 1, unchanged: 0 },
        provision: [
          expect.objectContaining({ stagedUserId: ann.id, email: emailOf(ann), accountId: null, reactivated: false }),
        ],
        update: [],
        deprovision: [],
        skip: [{ stagedUserId: out.id, userName: out.userName, reason: 'domain_not_allowed' }],
      });
      expect(await members(t, f.tenantId)).toEqual([]);
      expect((await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`)).body.items).toEqual([]);
      expect((await stagedRows(t, f.connectionId)).every((r) => r.syncedAt === null && r.syncSkipReason === null)).toBe(
        true,
      );
      const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM test_outbox_log WHERE tenant_id = $1`, [
        f.tenantId,
      ]);
      expect(after[0].n).toBe(before[0].n);
      // …and after the run, the preview shows nothing left to do.
      await runSync(t, f.connectionId);
      const later = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/sync-preview`);
      expect(later.body.counts).toEqual({ provision: 0, update: 0, deprovision: 0, skip: 1, unchanged: 1 });
    });
  });

  describe('run history and concurrency', () => {
    it('names the running run in the 409 of a start that races the first one (issue #16)', async () => {
      const f = await syncFixture(t);
      await t.dataSource.query(
        `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, primary_email, resource)
         SELECT gen_random_uuid(), $1, $2, 'race' || i || '@' || $3, true, 'race' || i || '@' || $3, jsonb_build_object('userName', 'race' || i)
           FROM generate_series(1, 2000) AS i`,
        [f.tenantId, f.connectionId, f.domain],
      );
      // Several starts at once: the losers ask while the winner has the lock but has not committed its row.
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`)),
      );
      const accepted = answers.filter((a) => a.status === 202);
      expect(accepted).toHaveLength(1);
      const runId = accepted[0].body.id as string;
      for (const refused of answers.filter((a) => a.status !== 202)) {
        expect(refused.status).toBe(409);
        expect(refused.body).toEqual({ error: 'conflict', message: expect.any(String), runId });
      }
      await waitForRun(t, runId, 60_000);
    });

    it('starts a run when the lock is held only for a moment, with no run in progress (a start right after "completed")', async () => {
      const f = await syncFixture(t);
      // What a finished run (or a replica's reclaimer check) looks like while it releases the lock.
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`sync.connection:${f.connectionId}`]);
        const start = t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [`sync.connection:${f.connectionId}`]);
        const answer = await start;
        expect(answer.status).toBe(202);
        await waitForRun(t, answer.body.id);
      } finally {
        await holder.release();
      }
    });

    it('answers 409 with the running run id while a run is in progress, and lists runs newest first', async () => {
      const f = await syncFixture(t);
      // Enough staged users (seeded by SQL) for the run to take a moment.
      await t.dataSource.query(
        `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, primary_email, resource)
         SELECT gen_random_uuid(), $1, $2, 'bulk' || i || '@' || $3, true, 'bulk' || i || '@' || $3, jsonb_build_object('userName', 'bulk' || i)
           FROM generate_series(1, 8000) AS i`,
        [f.tenantId, f.connectionId, f.domain],
      );
      const first = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`);
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ id: expect.any(String), status: 'in_progress' });
      const second = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`);
      expect(second.status).toBe(409);
      expect(second.body).toEqual({ error: 'conflict', message: expect.any(String), runId: first.body.id });
      const done = await waitForRun(t, first.body.id, 60_000);
      expect(done.counts.provisioned).toBe(8000);
      const later = await runSync(t, f.connectionId);
      const list = await t.admin.get(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((r: any) => r.id)).toEqual([later.id, first.body.id]);
      expect(list.body.items[1]).toEqual({
        id: first.body.id,
        connectionId: f.connectionId,
        tenantId: f.tenantId,
        status: 'completed',
        trigger: 'manual',
        mode: 'full',
        modeReason: expect.any(String),
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        heartbeatAt: expect.any(String),
        counts: { provisioned: 8000, updated: 0, deprovisioned: 0, skipped: 0, unchanged: 0 },
        error: null,
      });
    });

    it('pages the skip reasons of a run', async () => {
      const f = await syncFixture(t);
      await t.dataSource.query(
        `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, active, primary_email, resource)
         SELECT gen_random_uuid(), $1, $2, 'out' || i, true, 'out' || i || '@elsewhere.example', '{}'::jsonb FROM generate_series(1, 25) AS i`,
        [f.tenantId, f.connectionId],
      );
      const run = await runSync(t, f.connectionId);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&skipsCursor=${cursor}` : '';
        const page: any = (await t.admin.get(`/admin/v1/sync-runs/${run.id}?skipsLimit=10${q}`)).body;
        seen.push(...page.skips.items.map((s: any) => s.stagedUserId));
        expect(
          page.skips.items.every((s: any) => s.reason === 'domain_not_allowed' && typeof s.userName === 'string'),
        ).toBe(true);
        cursor = page.skips.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(25);
    });

    it('answers 404 for unknown runs and connections', async () => {
      expect((await t.admin.get('/admin/v1/sync-runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await t.admin.get('/admin/v1/sync-runs/nope')).status).toBe(404);
      expect(
        (await t.admin.post('/admin/v1/scim-connections/scim_conn_000000000000000000000000/sync-runs')).status,
      ).toBe(404);
      expect(
        (await t.admin.get('/admin/v1/scim-connections/scim_conn_000000000000000000000000/sync-preview')).status,
      ).toBe(404);
      expect((await t.admin.post('/admin/v1/scim-connections/x/sync-runs', { mode: 'sometimes' })).status).toBe(400);
    });
  });
});
