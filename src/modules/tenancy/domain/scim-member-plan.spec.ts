import type { ScimMemberDesiredState } from '../public/scim-members.types';
import { planScimMembers, type CurrentMembership, type PlanInput } from './scim-member-plan';

const CONN = 'scim_conn_a';
const member = (
  stagedUserId: string,
  email: string,
  groups: string[] = [],
  names: Partial<Record<'displayName' | 'givenName' | 'familyName', string | null>> = {},
): ScimMemberDesiredState => ({
  state: 'member',
  stagedUserId,
  email,
  displayName: names.displayName ?? 'Ann',
  givenName: names.givenName ?? null,
  familyName: names.familyName ?? null,
  internalGroupIds: groups,
});
const absent = (stagedUserId: string, reason: 'inactive' | 'deleted' = 'inactive'): ScimMemberDesiredState => ({
  state: 'absent',
  stagedUserId,
  reason,
});

const membership = (overrides: Partial<CurrentMembership> = {}): CurrentMembership => ({
  id: 'm1',
  version: '100',
  status: 'active',
  source: 'scim',
  connectionId: CONN,
  stagedUserId: 's1',
  revokedReason: null,
  accountId: 'a1',
  email: 'ann@acme.example',
  displayName: 'Ann',
  givenName: null,
  familyName: null,
  scimGroupIds: [],
  otherGroupIds: [],
  ...overrides,
});

const input = (
  memberships: CurrentMembership[],
  accounts: Record<string, string> = {},
  shared: string[] = [],
): PlanInput => ({
  connectionId: CONN,
  memberships,
  accountsByEmail: new Map(Object.entries(accounts)),
  sharedAccountIds: new Set(shared),
});

describe(planScimMembers.name, () => {
  it('creates a membership (and an account unless one exists for the email)', () => {
    const plan = planScimMembers(
      [member('s1', 'ann@acme.example', ['g1']), member('s2', 'bob@acme.example')],
      input([], { 'bob@acme.example': 'a-bob' }),
    );
    expect(plan.map((p) => [p.kind, p.kind === 'create' ? p.accountId : null])).toEqual([
      ['create', null],
      ['create', 'a-bob'],
    ]);
  });

  it('leaves an up-to-date member unchanged (a re-run is a no-op)', () => {
    expect(
      planScimMembers([member('s1', 'ann@acme.example', ['g1'])], input([membership({ scimGroupIds: ['g1'] })]))[0]
        .kind,
    ).toBe('unchanged');
  });

  it('updates names, email and SCIM groups, keeping group rows it does not manage', () => {
    const [p] = planScimMembers(
      [member('s1', 'ann.lee@acme.example', ['g2', 'g3'], { displayName: 'Ann Lee' })],
      input([membership({ scimGroupIds: ['g1', 'g2'], otherGroupIds: ['g3'] })]),
    );
    expect(p).toMatchObject({
      kind: 'modify',
      reactivate: false,
      renameAccount: true,
      switchAccount: null,
      addGroupIds: [],
      removeGroupIds: ['g1'],
    });
    expect(p.kind === 'modify' && p.changes).toEqual(['email', 'displayName', 'groups']);
  });

  it('moves to another account when the new email has one, or when the account is shared with another tenant', () => {
    const [toExisting] = planScimMembers(
      [member('s1', 'new@acme.example')],
      input([membership()], { 'new@acme.example': 'a-new' }),
    );
    expect(toExisting).toMatchObject({ kind: 'modify', switchAccount: { accountId: 'a-new' }, renameAccount: false });
    const [toFresh] = planScimMembers([member('s1', 'new@acme.example')], input([membership()], {}, ['a1']));
    expect(toFresh).toMatchObject({ kind: 'modify', switchAccount: { accountId: null }, renameAccount: false });
  });

  it("never takes over a manual member or another SCIM user's member", () => {
    const manual = membership({ id: 'm9', source: 'manual', connectionId: null, stagedUserId: null, accountId: 'a9' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([manual]))[0]).toMatchObject({
      kind: 'skip',
      reason: 'already_member',
    });
    const other = membership({ id: 'm9', stagedUserId: 's9' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([other]))[0]).toMatchObject({
      kind: 'skip',
      reason: 'already_member',
    });
    const otherConn = membership({ id: 'm9', connectionId: 'scim_conn_b', stagedUserId: 's1' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([otherConn]))[0]).toMatchObject({
      kind: 'skip',
      reason: 'already_member',
    });
  });

  it('restores a revoked SCIM membership (reactivation, or re-creation with the same email) but not an admin revocation', () => {
    const revoked = membership({ status: 'revoked', revokedReason: 'scim_deactivated' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([revoked]))[0]).toMatchObject({
      kind: 'modify',
      reactivate: true,
    });
    const previousUser = membership({ status: 'revoked', revokedReason: 'scim_deleted', stagedUserId: 's0' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([previousUser]))[0]).toMatchObject({
      kind: 'modify',
      reactivate: true,
      current: { id: 'm1' },
    });
    const byAdmin = membership({ status: 'revoked', revokedReason: 'admin' });
    expect(planScimMembers([member('s1', 'ann@acme.example')], input([byAdmin]))[0]).toMatchObject({
      kind: 'skip',
      reason: 'revoked_by_admin',
    });
  });

  it('revokes the linked active membership of an absent user, and does nothing otherwise', () => {
    expect(planScimMembers([absent('s1')], input([membership()]))[0].kind).toBe('revoke');
    expect(
      planScimMembers([absent('s1')], input([membership({ status: 'revoked', revokedReason: 'scim_deactivated' })]))[0]
        .kind,
    ).toBe('unchanged');
    expect(planScimMembers([absent('s2')], input([membership()]))[0].kind).toBe('unchanged');
  });

  it('gives an email wanted twice in one batch to the first staged user only', () => {
    const plan = planScimMembers([member('s1', 'ann@acme.example'), member('s2', 'ann@acme.example')], input([]));
    expect(plan.map((p) => p.kind)).toEqual(['create', 'skip']);
  });
});
