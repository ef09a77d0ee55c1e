import type { SyncStagedUser } from '../../staging/public';
import { decideStagedUser, emailDomain, GroupMapper } from './sync-decision';

const user = (overrides: Partial<SyncStagedUser> = {}): SyncStagedUser => ({
  id: 'u1',
  userName: 'ann@acme.example',
  externalId: null,
  email: 'ann@acme.example',
  displayName: 'Ann',
  givenName: 'Ann',
  familyName: 'Lee',
  active: true,
  deleted: false,
  version: 1,
  groupIds: [],
  syncedAt: null,
  syncSkipReason: null,
  ...overrides,
});

const group = (id: string, displayName: string, externalId: string | null = null) => ({
  id,
  displayName,
  externalId,
  deleted: false,
  updatedAt: new Date(),
  formerNames: [],
});

describe('sync decisions', () => {
  const mapper = new GroupMapper(
    [
      { scimGroupDisplayName: 'Engineering', scimGroupExternalId: null, internalGroupId: 'g-eng' },
      { scimGroupDisplayName: null, scimGroupExternalId: 'ext-ops', internalGroupId: 'g-ops' },
      { scimGroupDisplayName: 'engineering', scimGroupExternalId: null, internalGroupId: 'g-all' },
      { scimGroupDisplayName: null, scimGroupExternalId: 'ext-ops', internalGroupId: 'g-all' },
    ],
    [group('s1', 'ENGINEERING'), group('s2', 'Ops team', 'ext-ops'), group('s3', 'Unmapped')],
  );
  const domains = new Set(['acme.example']);

  it('maps SCIM groups by displayName (case-insensitive) or externalId to a sorted, unique set', () => {
    expect(mapper.internalGroupsOf(['s1'])).toEqual(['g-all', 'g-eng']);
    expect(mapper.internalGroupsOf(['s2', 's1', 's3'])).toEqual(['g-all', 'g-eng', 'g-ops']);
    expect(mapper.internalGroupsOf(['s3', 'unknown'])).toEqual([]);
  });

  it('wants an eligible user as a member with its mapped groups', () => {
    expect(decideStagedUser(user({ groupIds: ['s2'] }), domains, mapper)).toEqual({
      desired: {
        state: 'member',
        stagedUserId: 'u1',
        email: 'ann@acme.example',
        displayName: 'Ann',
        givenName: 'Ann',
        familyName: 'Lee',
        internalGroupIds: ['g-all', 'g-ops'],
      },
    });
  });

  it('wants deleted and inactive users absent, deleted first', () => {
    expect(decideStagedUser(user({ deleted: true, active: false }), domains, mapper)).toEqual({
      desired: { state: 'absent', stagedUserId: 'u1', reason: 'deleted' },
    });
    expect(decideStagedUser(user({ active: false }), domains, mapper)).toEqual({
      desired: { state: 'absent', stagedUserId: 'u1', reason: 'inactive' },
    });
  });

  it('skips users without an email and users outside the SSO domains (subdomains included)', () => {
    expect(decideStagedUser(user({ email: null }), domains, mapper)).toEqual({ skip: 'no_email' });
    expect(decideStagedUser(user({ email: 'not-an-email' }), domains, mapper)).toEqual({ skip: 'no_email' });
    expect(decideStagedUser(user({ email: 'ann@other.example' }), domains, mapper)).toEqual({
      skip: 'domain_not_allowed',
    });
    expect(decideStagedUser(user({ email: 'ann@eu.acme.example' }), domains, mapper)).toEqual({
      skip: 'domain_not_allowed',
    });
  });

  it('reads the domain of an email', () => {
    expect(emailDomain('A@Acme.Example.')).toBe('acme.example');
    expect(emailDomain('a@b@c.example')).toBeNull();
    expect(emailDomain(null)).toBeNull();
  });
});
