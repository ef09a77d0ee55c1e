import type { DomainEvent, DomainEventClass } from '../../../shared/domain/domain-event';
import { StagedUserUpdatedEvent } from '../../staging/public';
import { SessionsTerminatedEvent } from '../../sessions/public';
import { SyncUsersSkippedEvent } from '../../sync/public';
import {
  GroupMappingsReplacedEvent,
  MemberAccessRevokedEvent,
  MemberProvisionedEvent,
  MembershipRevokedEvent,
  TenantUpdatedEvent,
} from '../../tenancy/public';
import { AUDITED_EVENTS, type AuditDescription } from './audited-events';

/** The description the trail writes for `payload` — rehydrated outbox rows may predate new fields. */
function descriptionOf(cls: DomainEventClass, payload: object): AuditDescription {
  const entry = AUDITED_EVENTS.find((a) => a.event === cls)!;
  const event = new (cls as unknown as new (p: object, m: object) => DomainEvent<object>)(payload, { tenantId: 't' });
  return entry.describe(payload, event, entry.action);
}

/** A SCIM user's update as staging writes it before issue #18: the changed attributes only. */
const userUpdate = (extra: object = {}) => ({
  connectionId: 'c',
  stagedUserId: 'u',
  externalId: 'x',
  changedAttributes: ['title'],
  ...extra,
});

/** A provisioning by sync as tenancy writes it before issue #18: no email or access. */
const provisioning = (extra: object = {}) => ({
  accountId: 'acc',
  membershipId: 'm',
  connectionId: 'c',
  stagedUserId: 'u',
  syncRunId: null,
  reactivated: false,
  ...extra,
});

describe('AUDITED_EVENTS on payloads written before issue #18 (still in the outbox)', () => {
  it('describes them without a subject, changes or access, as before', () => {
    const updated = descriptionOf(StagedUserUpdatedEvent, userUpdate());
    expect(updated.subject).toBeNull();
    expect(updated.summary).toBe('SCIM user u (externalId "x") updated: title');
    expect(updated.details).not.toHaveProperty('changes');

    const skipped = descriptionOf(SyncUsersSkippedEvent, {
      syncRunId: 'r',
      connectionId: 'c',
      skips: [
        { stagedUserId: 'a', reason: 'no_email' },
        { stagedUserId: 'b', reason: 'no_email' },
      ],
      countsByReason: { no_email: 2 },
    });
    expect(skipped.subject).toBeNull();
    expect(skipped.summary).toBe('Sync run r skipped 2 SCIM users: no email 2');

    const provisioned = descriptionOf(MemberProvisionedEvent, provisioning());
    expect(provisioned.subject).toEqual({ accountId: 'acc' });
    expect(provisioned.summary).toBe('Account acc provisioned as a member from SCIM user u');

    const tenant = descriptionOf(TenantUpdatedEvent, { tenantId: 't', changes: { name: 'New' } });
    expect(tenant.details).toEqual({ changedAttributes: ['name'], changes: [{ attribute: 'name', new: 'New' }] });

    const mappings = descriptionOf(GroupMappingsReplacedEvent, { connectionId: 'c', count: 2 });
    expect(mappings.summary).toBe('Group mappings of SCIM connection c replaced: 2 rules');

    const ended = descriptionOf(SessionsTerminatedEvent, {
      accountId: 'acc',
      sessionIds: ['s'],
      count: 1,
      reason: 'logout',
      membershipRevokedReason: null,
    });
    expect(ended.subject).toEqual({ accountId: 'acc' });
  });
});

describe('AUDITED_EVENTS on current payloads', () => {
  const access = {
    internalGroupId: 'g',
    internalGroupName: 'Auditors',
    permissions: ['audit.read'],
    sites: [{ id: 's', name: 'Berlin' }],
  };

  it('names the subject, the old and new values and the access given with the rule and key behind it', () => {
    const updated = descriptionOf(
      StagedUserUpdatedEvent,
      userUpdate({
        subject: { userName: 'ada', email: 'ada@acme.example' },
        changes: [{ attribute: 'title', old: 'Engineer', new: 'Auditor' }],
      }),
    );
    expect(updated.subject).toEqual({ userName: 'ada', email: 'ada@acme.example' });
    expect(updated.summary).toBe('SCIM user u (externalId "x") updated: title "Engineer" → "Auditor"');

    const provisioned = descriptionOf(
      MemberProvisionedEvent,
      provisioning({
        syncRunId: 'r',
        email: 'ada@acme.example',
        access: [
          {
            change: 'given',
            ...access,
            reason: 'sync_decision',
            rules: [
              {
                scimGroupDisplayName: 'Auditors',
                scimGroupExternalId: null,
                createdAt: '2026-01-01T00:00:00.000Z',
                createdBy: { type: 'admin', keyId: 'k1', keyName: 'ops', scope: 'admin' },
              },
            ],
          },
        ],
      }),
    );
    expect(provisioned.subject).toEqual({ email: 'ada@acme.example', accountId: 'acc' });
    expect(provisioned.summary).toBe(
      'ada@acme.example (account acc) provisioned as a member from SCIM user u by sync run r; given internal group "Auditors" (permissions: audit.read; sites: Berlin) — sync decision, via mapping rule SCIM group "Auditors" added by API key "ops" (id k1) at 2026-01-01T00:00:00.000Z',
    );
  });

  it('gives each removal its reason: IdP removal, mapping change, admin', () => {
    const base = {
      accountId: 'acc',
      membershipId: 'm',
      email: 'ada@acme.example',
      connectionId: 'c',
      stagedUserId: 'u',
      internalGroupId: 'g',
      internalGroupName: 'Auditors',
      permissions: ['audit.read'],
      sites: [],
    };
    const left = descriptionOf(MemberAccessRevokedEvent, {
      ...base,
      cause: 'scim_group_members_removed',
      stagedGroupId: 'sg',
      scimGroup: { displayName: 'Auditors', externalId: null },
    });
    expect(left.details).toMatchObject({ access: [{ change: 'taken', reason: 'idp_removal' }] });
    expect(left.summary).toContain('— IdP removal: SCIM group sg ("Auditors") no longer lists the member');
    const unmapped = descriptionOf(MemberAccessRevokedEvent, {
      ...base,
      cause: 'group_mapping_removed',
      stagedGroupId: null,
      rule: { scimGroupDisplayName: 'Auditors', scimGroupExternalId: null },
    });
    expect(unmapped.details).toMatchObject({ access: [{ reason: 'mapping_change' }] });
    const revoked = descriptionOf(MembershipRevokedEvent, {
      accountId: 'acc',
      membershipId: 'm',
      connectionId: null,
      stagedUserId: null,
      reason: 'admin',
      syncRunId: null,
      email: 'ada@acme.example',
      access: [{ change: 'taken', ...access, reason: 'admin' }],
    });
    expect(revoked.summary).toBe(
      'Membership of ada@acme.example (account acc) revoked (admin); lost internal group "Auditors" (permissions: audit.read; sites: Berlin) — admin',
    );
  });
});
