import { randomUUID } from 'node:crypto';
import { TenancyFacade, type ScimMemberDesiredState } from '../../../src/modules/tenancy/public';
import { ScimMemberRepository } from '../../../src/modules/tenancy/infrastructure/scim-member.repository';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';

/**
 * Tenancy's command for Sync, driven directly: writes to existing memberships are guarded by the
 * row version read with them, so a change that lands between the read and the write (the
 * event-driven revocation, an admin) is never overwritten — the batch is re-planned from a fresh read.
 */
describe('TenancyFacade.applyScimMembers under concurrent changes', () => {
  let t: TestApp;
  let f: TenantFixture;
  let tenancy: TenancyFacade;
  let repo: ScimMemberRepository;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
    tenancy = t.app.get(TenancyFacade);
    repo = t.app.get(ScimMemberRepository);
  });
  afterAll(async () => {
    await t?.close();
  });

  const member = (stagedUserId: string, email: string, displayName = 'Ann'): ScimMemberDesiredState => ({
    state: 'member',
    stagedUserId,
    email,
    displayName,
    givenName: null,
    familyName: null,
    internalGroupIds: [],
  });
  const scope = () => ({ tenantId: f.tenantId, connectionId: f.connectionId, runId: null });
  const revokedEvents = (membershipId: string) =>
    t.dataSource.query(
      `SELECT payload FROM test_outbox_log WHERE event_name = 'tenancy.membership.revoked' AND payload->>'membershipId' = $1`,
      [membershipId],
    );

  /** Runs `sql` on another connection right after the batch has read its memberships — once. */
  const interleave = (sql: string, params: unknown[]) => {
    const original = repo.loadMemberships.bind(repo);
    let done = false;
    return jest.spyOn(repo, 'loadMemberships').mockImplementation(async (...args) => {
      const rows = await original(...args);
      if (!done) {
        done = true;
        await t.dataSource.query(sql, params);
      }
      return rows;
    });
  };

  it('does not revoke twice when the event-driven revocation lands between read and write', async () => {
    const staged = randomUUID();
    const [created] = await tenancy.applyScimMembers(scope(), [member(staged, `ann.${staged}@${f.domain}`)]);
    expect(created).toMatchObject({ result: 'provisioned', reactivated: false });
    const spy = interleave(
      `UPDATE tenancy.membership SET status = 'revoked', revoked_at = now(), revoked_reason = 'scim_deactivated', updated_at = now() WHERE id = $1`,
      [created.membershipId],
    );
    try {
      const [outcome] = await tenancy.applyScimMembers(scope(), [
        { state: 'absent', stagedUserId: staged, reason: 'inactive' },
      ]);
      expect(outcome.result).toBe('unchanged');
      expect(spy).toHaveBeenCalledTimes(2); // read, conflict, fresh read
    } finally {
      spy.mockRestore();
    }
    const [row] = await t.dataSource.query(`SELECT status, revoked_reason FROM tenancy.membership WHERE id = $1`, [
      created.membershipId,
    ]);
    expect(row).toEqual({ status: 'revoked', revoked_reason: 'scim_deactivated' });
    expect(await revokedEvents(created.membershipId!)).toHaveLength(0); // the listener's own event is not ours to write here
  });

  it('does not overwrite an admin revocation that lands between read and write', async () => {
    const staged = randomUUID();
    const email = `bob.${staged}@${f.domain}`;
    const [created] = await tenancy.applyScimMembers(scope(), [member(staged, email)]);
    const spy = interleave(
      `UPDATE tenancy.membership SET status = 'revoked', revoked_at = now(), revoked_reason = 'admin', updated_at = now() WHERE id = $1`,
      [created.membershipId],
    );
    try {
      const [outcome] = await tenancy.applyScimMembers(scope(), [member(staged, email, 'Bob renamed')]);
      expect(outcome).toMatchObject({ result: 'skipped', reason: 'revoked_by_admin' });
    } finally {
      spy.mockRestore();
    }
    const [row] = await t.dataSource.query(`SELECT status, display_name FROM tenancy.membership WHERE id = $1`, [
      created.membershipId,
    ]);
    expect(row).toEqual({ status: 'revoked', display_name: 'Ann' });
  });

  it('skips one user of a batch (its email is a manual member) without holding back the others', async () => {
    const a = randomUUID();
    const b = randomUUID();
    // b's email belongs to a manual member: skipped, not an error — and a's provisioning goes through.
    await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: `manual.${b}@${f.domain}` });
    const outcomes = await tenancy.applyScimMembers(scope(), [
      member(a, `a.${a}@${f.domain}`),
      member(b, `manual.${b}@${f.domain}`),
    ]);
    expect(outcomes.map((o) => [o.stagedUserId, o.result, o.reason])).toEqual([
      [a, 'provisioned', undefined],
      [b, 'skipped', 'already_member'],
    ]);
  });

  it('plans without writing', async () => {
    const staged = randomUUID();
    const [planned] = await tenancy.planScimMembers(scope(), [member(staged, `plan.${staged}@${f.domain}`)]);
    expect(planned).toMatchObject({ result: 'provisioned', accountId: null, membershipId: null });
    expect(await t.dataSource.query(`SELECT 1 FROM tenancy.membership WHERE staged_user_id = $1`, [staged])).toEqual(
      [],
    );
  });
});
