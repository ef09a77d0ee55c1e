import { ProcessSyncBatchUseCase } from '../../../src/modules/sync/application/process-sync-batch.use-case';
import { LoadSyncContextUseCase } from '../../../src/modules/sync/application/load-sync-context.use-case';
import { StagingFacade } from '../../../src/modules/staging/public';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import type { HttpResult } from '../../utils/http-client';
import { deliveredOutboxRows, redeliverOutboxRows } from '../../utils/outbox-history';
import { patchOp, type ScimClient } from '../../utils/scim-client';
import {
  emailOf,
  internalGroup,
  memberByEmail,
  putMappings,
  runSync,
  scimGroup,
  scimUser,
  site,
  syncFixture,
  type SyncFixture,
} from './sync-helpers';

/**
 * Issue #16 §1: what only reduces a member's access — removed from a mapped SCIM group (every
 * PATCH form, PUT), the group deleted or renamed out of its rule, the rule removed or changed —
 * is applied at once through the outbox, not at the next sync run. Grants still wait for a run.
 */
describe('Access taken away in the IdP goes at once', () => {
  let t: TestApp;

  // A database of its own: the 1-second bound measures this app's relay, not other suites' backlog.
  beforeAll(async () => {
    t = await createIsolatedTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  interface World {
    f: SyncFixture;
    finance: { id: string; name: string }; // internal group: finance.read + Oslo
    audit: { id: string; name: string }; // internal group: audit.read + Bergen
    oslo: { id: string };
    bergen: { id: string };
    alice: any;
    bob: any;
    financeGroup: any; // SCIM "Finance" → finance; alice, bob
    auditGroup: any; // SCIM "Audit" (externalId rule) → audit; alice
  }

  /** Two members provisioned by a sync run with mapped SCIM groups, and a session for alice. */
  async function world(): Promise<World> {
    const f = await syncFixture(t);
    const oslo = await site(t, f.tenantId, 'Oslo');
    const bergen = await site(t, f.tenantId, 'Bergen');
    const finance = await internalGroup(t, f.tenantId, {
      name: 'Finance Staff',
      permissions: ['finance.read'],
      siteIds: [oslo.id],
    });
    const audit = await internalGroup(t, f.tenantId, {
      name: 'Auditors',
      permissions: ['audit.read'],
      siteIds: [bergen.id],
    });
    const alice = await scimUser(f);
    const bob = await scimUser(f);
    const financeGroup = await scimGroup(f, { displayName: 'Finance' }, [alice.id, bob.id]);
    const auditGroup = await scimGroup(f, { displayName: 'Audit', externalId: 'ext-audit' }, [alice.id]);
    await putMappings(t, f.connectionId, [
      { scimGroup: { displayName: 'finance' }, internalGroupId: finance.id },
      { scimGroup: { externalId: 'ext-audit' }, internalGroupId: audit.id },
    ]);
    const run = await runSync(t, f.connectionId);
    expect(run.counts.provisioned).toBe(2);
    expect(await access(f, alice)).toEqual({ permissions: ['audit.read', 'finance.read'], sites: ['Bergen', 'Oslo'] });
    return { f, finance, audit, oslo, bergen, alice, bob, financeGroup, auditGroup };
  }

  async function access(f: SyncFixture, user: any): Promise<{ permissions: string[]; sites: string[] }> {
    const m = await memberByEmail(t, f.tenantId, emailOf(user));
    return { permissions: m.permissions, sites: m.sites.map((s: { name: string }) => s.name) };
  }

  async function session(f: SyncFixture, user: any): Promise<string> {
    const res = await t.admin.post('/v1/sessions', { tenantId: f.tenantId, email: emailOf(user) });
    expect(res.status).toBe(201);
    return res.body.token;
  }

  const introspect = async (token: string) => (await t.admin.post('/v1/sessions/introspect', { token })).body;

  const ALICE_WITHOUT_FINANCE = { permissions: ['audit.read'], sites: ['Bergen'] };

  it('one removal: the permission is gone for introspection and GET …/members within 1 s of the SCIM answer', async () => {
    const w = await world();
    const token = await session(w.f, w.alice);
    expect(await introspect(token)).toMatchObject({
      active: true,
      permissions: ['audit.read', 'finance.read'],
      siteIds: [w.bergen.id, w.oslo.id], // in site name order
    });
    const res = await w.f.scim.patch(
      `/Groups/${w.financeGroup.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${w.alice.id}"]` }),
    );
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    await expectEventually(
      async () => {
        expect(await introspect(token)).toMatchObject({
          active: true,
          permissions: ['audit.read'],
          siteIds: [w.bergen.id],
        });
        expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE);
      },
      1000,
      10,
    );
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    // Only what the IdP took away: bob keeps Finance, alice keeps her membership and session.
    expect(await access(w.f, w.bob)).toEqual({ permissions: ['finance.read'], sites: ['Oslo'] });
    expect((await memberByEmail(t, w.f.tenantId, emailOf(w.alice))).status).toBe('active');
  });

  type Removal = (s: ScimClient, w: World) => Promise<HttpResult>;
  const removals: Array<[string, Removal, string]> = [
    [
      'Entra PATCH remove with a value filter',
      (s, w) =>
        s.patch(`/Groups/${w.financeGroup.id}`, patchOp({ op: 'remove', path: `members[value eq "${w.alice.id}"]` })),
      'scim_group_members_removed',
    ],
    [
      'Entra PATCH Remove with a value list',
      (s, w) =>
        s.patch(
          `/Groups/${w.financeGroup.id}`,
          patchOp({ op: 'Remove', path: 'members', value: [{ value: w.alice.id }] }),
        ),
      'scim_group_members_removed',
    ],
    [
      'Okta PATCH replace of members',
      (s, w) =>
        s.patch(
          `/Groups/${w.financeGroup.id}`,
          patchOp({ op: 'replace', path: 'members', value: [{ value: w.bob.id, display: 'bob' }] }),
        ),
      'scim_group_members_removed',
    ],
    [
      'PUT with a shorter member list',
      (s, w) =>
        s.put(`/Groups/${w.financeGroup.id}`, {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Finance',
          externalId: w.financeGroup.externalId,
          members: [{ value: w.bob.id }],
        }),
      'scim_group_members_removed',
    ],
    ['DELETE of the group', (s, w) => s.delete(`/Groups/${w.financeGroup.id}`), 'scim_group_deleted'],
    [
      'rename so the displayName rule no longer matches',
      (s, w) =>
        s.patch(
          `/Groups/${w.financeGroup.id}`,
          patchOp({ op: 'replace', path: 'displayName', value: 'Finance Archive' }),
        ),
      'scim_group_renamed',
    ],
  ];

  it.each(removals)('%s: the internal group is taken back at once and audited', async (_, remove, cause) => {
    const w = await world();
    const res = await remove(w.f.scim, w);
    expect([200, 204]).toContain(res.status);
    const requestId = res.headers.get('x-request-id');
    await expectEventually(async () => expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE), 3000, 10);
    // Bob lost Finance too where the whole group went (delete, rename); otherwise he keeps it.
    const bobLost = cause !== 'scim_group_members_removed';
    expect(await access(w.f, w.bob)).toEqual(
      bobLost ? { permissions: [], sites: [] } : { permissions: ['finance.read'], sites: ['Oslo'] },
    );
    let entries: any[] = [];
    await expectEventually(
      async () => {
        entries = (await t.admin.get(`/admin/v1/audit-events?tenantId=${w.f.tenantId}&action=member.access_revoked`))
          .body.items;
        expect(entries).toHaveLength(bobLost ? 2 : 1);
      },
      5000,
      50,
    );
    const entry = entries.find((e) => e.details.email === emailOf(w.alice));
    expect(entry).toMatchObject({
      action: 'member.access_revoked',
      actor: { type: 'system' },
      targetLabel: emailOf(w.alice),
      correlationId: requestId,
      details: {
        email: emailOf(w.alice),
        internalGroupId: w.finance.id,
        internalGroupName: 'Finance Staff',
        permissions: ['finance.read'],
        sites: [{ id: w.oslo.id, name: 'Oslo' }],
        cause,
        stagedGroupId: w.financeGroup.id,
      },
    });
    expect(entry.summary).toContain('Finance Staff');
  });

  it('removing or changing a mapping rule takes back what the old rule gave, at once', async () => {
    const w = await world();
    // The Finance rule now points at Auditors: alice and bob lose Finance Staff; Auditors waits for a run.
    await putMappings(t, w.f.connectionId, [
      { scimGroup: { displayName: 'Finance' }, internalGroupId: w.audit.id },
      { scimGroup: { externalId: 'ext-audit' }, internalGroupId: w.audit.id },
    ]);
    await expectEventually(async () => expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE), 3000, 10);
    expect(await access(w.f, w.bob)).toEqual({ permissions: [], sites: [] }); // the grant waits
    // Without the externalId rule alice keeps Auditors: SCIM "Finance", which she still holds, now gives it.
    await putMappings(t, w.f.connectionId, [{ scimGroup: { displayName: 'Finance' }, internalGroupId: w.audit.id }]);
    await t.drainOutbox();
    expect(await access(w.f, w.alice)).toEqual({ permissions: ['audit.read'], sites: ['Bergen'] });
    // Without any rule, it goes.
    await putMappings(t, w.f.connectionId, []);
    await expectEventually(
      async () => expect(await access(w.f, w.alice)).toEqual({ permissions: [], sites: [] }),
      3000,
      10,
    );
    await expectEventually(async () => {
      const entries = (
        await t.admin.get(`/admin/v1/audit-events?tenantId=${w.f.tenantId}&action=member.access_revoked`)
      ).body.items;
      expect(entries.map((e: any) => [e.details.email, e.details.internalGroupName, e.details.cause]).sort()).toEqual(
        [
          [emailOf(w.alice), 'Auditors', 'group_mapping_removed'],
          [emailOf(w.alice), 'Finance Staff', 'group_mapping_removed'],
          [emailOf(w.bob), 'Finance Staff', 'group_mapping_removed'],
        ].sort(),
      );
    }, 5000);
    // The next run grants what a new rule gives (the two-step model).
    await putMappings(t, w.f.connectionId, [{ scimGroup: { displayName: 'Finance' }, internalGroupId: w.audit.id }]);
    await runSync(t, w.f.connectionId);
    expect(await access(w.f, w.bob)).toEqual({ permissions: ['audit.read'], sites: ['Bergen'] });
  });

  it('keeps manual assignments and assignments another still-held SCIM group gives', async () => {
    const w = await world();
    // A second SCIM group also mapped to Finance Staff holds bob; alice's Auditors row is made manual.
    const ledger = await scimGroup(w.f, { displayName: 'Ledger' }, [w.bob.id]);
    await putMappings(t, w.f.connectionId, [
      { scimGroup: { displayName: 'Finance' }, internalGroupId: w.finance.id },
      { scimGroup: { displayName: 'Ledger' }, internalGroupId: w.finance.id },
      { scimGroup: { externalId: 'ext-audit' }, internalGroupId: w.audit.id },
    ]);
    const alice = await memberByEmail(t, w.f.tenantId, emailOf(w.alice));
    await t.dataSource.query(
      `UPDATE tenancy.membership_group SET source = 'manual' WHERE membership_id = (
        SELECT id FROM tenancy.membership WHERE account_id = $1 AND tenant_id = $2) AND group_id = $3`,
      [alice.accountId, w.f.tenantId, w.audit.id],
    );
    expect((await w.f.scim.delete(`/Groups/${w.auditGroup.id}`)).status).toBe(204);
    expect((await w.f.scim.delete(`/Groups/${w.financeGroup.id}`)).status).toBe(204);
    await expectEventually(async () => expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE), 3000, 10);
    await t.drainOutbox();
    expect(await access(w.f, w.bob)).toEqual({ permissions: ['finance.read'], sites: ['Oslo'] }); // via Ledger
    expect(ledger.id).toBeDefined();
  });

  it('revoking twice is harmless: a redelivered event removes nothing and records nothing', async () => {
    const w = await world();
    await w.f.scim.patch(
      `/Groups/${w.financeGroup.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${w.alice.id}"]` }),
    );
    await expectEventually(async () => expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE), 3000, 10);
    const where = `event_name = 'staging.group.members_left' AND tenant_id = $1`;
    await expectEventually(async () =>
      expect(await deliveredOutboxRows(t.dataSource, where, [w.f.tenantId])).toHaveLength(1),
    );
    // The IdP re-adds alice (a grant: waits for a run), then the removal's event is delivered again.
    await w.f.scim.patch(
      `/Groups/${w.financeGroup.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: w.alice.id }] }),
    );
    expect(await redeliverOutboxRows(t.dataSource, where, [w.f.tenantId])).toBe(1);
    await t.drainOutbox();
    await t.drainOutbox();
    const revoked = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM test_outbox_log WHERE event_name = 'tenancy.member.access_revoked' AND tenant_id = $1`,
      [w.f.tenantId],
    );
    expect(revoked[0].n).toBe(1);
    expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE);
  });

  it('a sync run never re-grants what the IdP removed', async () => {
    const w = await world();
    await w.f.scim.patch(
      `/Groups/${w.financeGroup.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${w.alice.id}"]` }),
    );
    await w.f.scim.delete(`/Groups/${w.auditGroup.id}`);
    await expectEventually(
      async () => expect(await access(w.f, w.alice)).toEqual({ permissions: [], sites: [] }),
      3000,
      10,
    );
    for (const mode of ['incremental', 'full']) {
      const run = await runSync(t, w.f.connectionId, mode);
      expect(run.status).toBe('completed');
      expect(await access(w.f, w.alice)).toEqual({ permissions: [], sites: [] });
    }
    expect(await access(w.f, w.bob)).toEqual({ permissions: ['finance.read'], sites: ['Oslo'] });
  });

  it('a run page read before the IdP removed a member from a group does not re-grant the group', async () => {
    const w = await world();
    // The interleaving of a run racing the IdP: the page is read, the removal commits and is applied,
    // then the page (deciding from the stale read) is applied.
    const ctx = (await t.app.get(LoadSyncContextUseCase).load(w.f.connectionId))!;
    const stale = (
      await t.app.get(StagingFacade).listUsersForSync(ctx.scope, { kind: 'ids', ids: [w.alice.id, w.bob.id] })
    ).items;
    await w.f.scim.patch(
      `/Groups/${w.financeGroup.id}`,
      patchOp({ op: 'remove', path: `members[value eq "${w.alice.id}"]` }),
    );
    await expectEventually(async () => expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE), 3000, 10);
    await t.app.get(ProcessSyncBatchUseCase).process(ctx, stale, { runId: null, mode: 'full', apply: true });
    expect(await access(w.f, w.alice)).toEqual(ALICE_WITHOUT_FINANCE);
    expect(await access(w.f, w.bob)).toEqual({ permissions: ['finance.read'], sites: ['Oslo'] });
  });
});
