import type { DomainEvent, DomainEventClass } from '../../../shared/domain/domain-event';
import {
  StagedGroupCreatedEvent,
  StagedGroupDeletedEvent,
  StagedGroupMembersLeftEvent,
  StagedGroupUpdatedEvent,
  StagedMembershipChangedEvent,
  StagedReferencesIgnoredEvent,
  StagedUserCreatedEvent,
  StagedUserDeactivatedEvent,
  StagedUserDeletedEvent,
  StagedUserReactivatedEvent,
  StagedUserUpdatedEvent,
  type StagedChangesPayload,
  type StagedGroupPayload,
  type StagedUserPayload,
} from '../../staging/public';
import { SessionCreatedEvent, SessionsTerminatedEvent } from '../../sessions/public';
import {
  SyncRunCompletedEvent,
  SyncRunFailedEvent,
  SyncRunStartedEvent,
  SyncUsersSkippedEvent,
} from '../../sync/public';
import {
  ApiKeyCreatedEvent,
  ApiKeyRevokedEvent,
  GroupMappingsReplacedEvent,
  InternalGroupCreatedEvent,
  InternalGroupDeletedEvent,
  InternalGroupUpdatedEvent,
  MemberAccessRevokedEvent,
  MemberAddedEvent,
  MemberProvisionedEvent,
  MembershipRevokedEvent,
  MemberUpdatedEvent,
  ScimConnectionCreatedEvent,
  ScimConnectionDeletedEvent,
  ScimTokenIssuedEvent,
  ScimTokenRevokedEvent,
  ScimTokenRotatedEvent,
  SiteCreatedEvent,
  SiteDeletedEvent,
  SiteUpdatedEvent,
  TenantCreatedEvent,
  TenantUpdatedEvent,
} from '../../tenancy/public';
import type { Actor } from '../../../shared/domain/domain-event';
import type { AccessChange, AccessChangeReason } from '../../tenancy/public';
import type { AuditChange } from '../domain/audit-changes';
import { ConsoleSignedInEvent, ConsoleSignedOutEvent, type ConsoleSessionEndReason } from '../../console/public';
import type { AuditSubject, AuditTarget } from '../domain/audit-entry';
import { AuditTrailPrunedEvent } from '../public/events/audit-trail-pruned.event';

/** What an event means in the trail (the actor, time, tenant and ids come from its metadata). */
export interface AuditDescription {
  readonly target: AuditTarget | null;
  /** A human label of the target as it was then (a name, an IdP externalId). */
  readonly targetLabel?: string | null;
  /** The person the entry is about, with what the payload knows of them (found by `?subject=`). */
  readonly subject?: AuditSubject | null;
  /** One human sentence. */
  readonly summary: string;
  /** Attribute names and, where the event carries them, values. Secrets are masked regardless. */
  readonly details?: Record<string, unknown>;
}

export interface AuditedEvent<E extends DomainEvent<object> = DomainEvent<object>> {
  readonly event: DomainEventClass<E>;
  /** Dotted `resource.verb`. */
  readonly action: string;
  readonly describe: (payload: E['payload'], event: E, action: string) => AuditDescription;
}

function audited<E extends DomainEvent<object>>(
  event: DomainEventClass<E>,
  action: string,
  describe: (payload: E['payload'], event: E, action: string) => AuditDescription,
): AuditedEvent {
  return { event, action, describe } as unknown as AuditedEvent;
}

/**
 * A description built from the payload alone, for events whose payload is ids and primitives:
 * target `{type, id: payload[idKey]}`, label `payload[labelKey]`, details = the payload, summary
 * "Site 42 ("Berlin") created". Lets a new event be audited in one line:
 * `audited(SiteCreatedEvent, 'site.created', fromPayload('site', 'siteId', 'name'))`.
 */
export function fromPayload(targetType: string, idKey: string, labelKey?: string) {
  return (payload: object, _event: DomainEvent<object>, action: string): AuditDescription => {
    const p = payload as Record<string, unknown>;
    const rawId = p[idKey] as string | number | null | undefined;
    const id = rawId === undefined || rawId === null ? null : String(rawId);
    const label = labelKey && typeof p[labelKey] === 'string' ? p[labelKey] : null;
    const [resource, verb] = action.split('.');
    const noun = resource.replace(/_/g, ' ');
    return {
      target: id === null ? null : { type: targetType, id },
      targetLabel: label,
      summary: `${noun.charAt(0).toUpperCase()}${noun.slice(1)}${id === null ? '' : ` ${id}`}${label ? ` ("${label}")` : ''} ${verb.replace(/_/g, ' ')}`,
      details: { ...p },
    };
  };
}

const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(', ') : 'none');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const tenant = (id: string): AuditTarget => ({ type: 'tenant', id });
const connection = (id: string): AuditTarget => ({ type: 'scim_connection', id });
const token = (id: string): AuditTarget => ({ type: 'scim_token', id });
const scimUser = (id: string): AuditTarget => ({ type: 'scim_user', id });
const scimGroup = (id: string): AuditTarget => ({ type: 'scim_group', id });
const membership = (id: string): AuditTarget => ({ type: 'membership', id });
const syncRun = (id: string): AuditTarget => ({ type: 'sync_run', id });
const bySync = (syncRunId: string | null) => (syncRunId ? ` by sync run ${syncRunId}` : '');
/** `provisioned 3, skipped 1` from a counts object (zeros left out). */
const tally = (counts: object) =>
  Object.entries(counts)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`)
    .join(', ') || 'nothing';
const CONSOLE_END_REASONS: Record<ConsoleSessionEndReason, string> = {
  sign_out: 'signed out',
  key_revoked: 'its API key was revoked',
  idle_timeout: 'idle timeout',
  absolute_timeout: 'absolute timeout',
};
const externalId = (x: string | null) => (x ? ` (externalId "${x}")` : '');
const quoted = (v: unknown) => {
  const text = typeof v === 'string' ? `"${v}"` : JSON.stringify(v ?? null);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};
/** `title "Engineer" → "Auditor"; emails +1 −0` — the first few changes; all of them are in `details.changes`. */
function changesText(changes: readonly AuditChange[] | undefined, omitted = 0): string | null {
  if (!changes || changes.length === 0) return null;
  const shown = changes
    .slice(0, 5)
    .map((c) =>
      'added' in c
        ? `${c.attribute} +${c.addedCount} −${c.removedCount}`
        : `${c.attribute} ${quoted(c.old)} → ${quoted(c.new)}`,
    );
  const more = changes.length - shown.length + omitted;
  return `${shown.join('; ')}${more > 0 ? `; and ${plural(more, 'more attribute')}` : ''}`;
}
/** Who an actor is, in words: `API key "ops" (id k1)`, `ADMIN_TOKEN`, `SCIM token t1`, `Roster`. */
function actorText(actor: Actor | null | undefined): string {
  if (!actor) return 'an admin (before Roster recorded who)';
  if (actor.type === 'admin')
    return actor.keyId === 'bootstrap' || !actor.keyId
      ? 'the bootstrap admin token'
      : `API key "${actor.keyName ?? '?'}" (id ${actor.keyId})`;
  if (actor.type === 'scim') return `SCIM token ${actor.tokenId} of connection ${actor.connectionId}`;
  return 'Roster';
}
const REASON: Record<AccessChangeReason, string> = {
  sync_decision: 'sync decision',
  mapping_change: 'mapping change',
  idp_removal: 'IdP removal',
  admin: 'admin',
};
/** `given internal group "Auditors" (permissions: audit.read; sites: Berlin) — sync decision, via …`. */
function accessText(access: readonly AccessChange[] | undefined, omitted = 0): string | null {
  if (!access || access.length === 0) return null;
  const more = omitted > 0 ? `; and ${plural(omitted, 'more internal group')}` : '';
  return `${access
    .map((a) => {
      const rules = (a.rules ?? []).map(
        (r) =>
          `mapping rule SCIM group ${r.scimGroupDisplayName !== null ? `"${r.scimGroupDisplayName}"` : `externalId "${r.scimGroupExternalId}"`} added by ${actorText(r.createdBy)} at ${r.createdAt}`,
      );
      return `${a.change === 'given' ? 'given' : 'lost'} internal group "${a.internalGroupName}" (permissions: ${list(a.permissions)}; sites: ${list(
        a.sites.map((x) => x.name),
      )}) — ${REASON[a.reason]}${rules.length > 0 ? `, via ${rules.join(' and ')}` : ''}`;
    })
    .join('; ')}${more}`;
}
/** A SCIM user an entry is about (events written before the subject was added name none). */
const scimPerson = (x: { userName: string; email: string | null } | undefined): AuditSubject | null =>
  x ? { userName: x.userName, ...(x.email ? { email: x.email } : {}) } : null;
/** The member an entry is about: its email when the event names it (events written before that: the account only). */
const member = (p: { accountId: string; email?: string }): AuditSubject =>
  p.email ? { email: p.email, accountId: p.accountId } : { accountId: p.accountId };
const joined = (...parts: Array<string | null>) => parts.filter((x): x is string => !!x).join('; ');

/** `, added "Auditors" → Audit readers; removed …` from a mapping replacement's changes. */
function mappingsText(changes: readonly AuditChange[] | undefined): string | null {
  const c = changes?.find((x) => x.attribute === 'mappings');
  if (!c || !('added' in c)) return null;
  const rule = (r: unknown) => {
    if (typeof r !== 'object' || r === null) return String(r);
    const x = r as Record<string, string | null>;
    return `${x.scimGroupDisplayName !== null ? `"${x.scimGroupDisplayName}"` : `externalId "${x.scimGroupExternalId}"`} → ${x.internalGroupName}`;
  };
  return `${c.addedCount ? `; added ${c.added.map(rule).join(', ')}${c.addedCount > c.added.length ? ' …' : ''}` : ''}${
    c.removedCount ? `; removed ${c.removed.map(rule).join(', ')}${c.removedCount > c.removed.length ? ' …' : ''}` : ''
  }`;
}

/** An entry about a staged user; `what` ends the summary `SCIM user u1 (externalId "x") …`. */
function stagedUser(p: StagedUserPayload, what: string, details: Record<string, unknown> = {}): AuditDescription {
  return {
    target: scimUser(p.stagedUserId),
    targetLabel: p.externalId,
    subject: scimPerson(p.subject),
    summary: `SCIM user ${p.stagedUserId}${externalId(p.externalId)} ${what}`,
    details: { connectionId: p.connectionId, externalId: p.externalId, ...details },
  };
}
/** An entry about a staged group, named by its displayName where the event carries it, else its externalId. */
function stagedGroup(
  p: StagedGroupPayload & { displayName?: string },
  what: string,
  details: Record<string, unknown> = {},
): AuditDescription {
  return {
    target: scimGroup(p.stagedGroupId),
    targetLabel: p.externalId,
    summary: `SCIM group ${p.stagedGroupId}${p.displayName ? ` ("${p.displayName}")` : externalId(p.externalId)} ${what}`,
    details: { connectionId: p.connectionId, externalId: p.externalId, ...details },
  };
}
/** What an IdP's update changed: the first old → new values, else the attribute names. */
const stagedChangesText = (p: StagedChangesPayload) =>
  changesText(p.changes, p.changesOmitted) ?? list(p.changedAttributes);
/** An update's `details`: the attribute names, and old and new values where the event carries them. */
const stagedChanges = (p: StagedChangesPayload) => ({
  changedAttributes: p.changedAttributes,
  ...(p.changes ? { changes: p.changes } : {}),
  ...(p.changesOmitted ? { changesOmitted: p.changesOmitted } : {}),
});

/** A mapping rule removed by an admin is a mapping change; the rest is the IdP taking the group away. */
const accessRevokedReason = (cause: string): AccessChangeReason =>
  cause === 'group_mapping_removed' ? 'mapping_change' : 'idp_removal';

/**
 * Every event the trail records — an explicit, reviewable list (house style §4.5), not a wildcard.
 * Adding an event is one entry here; `test/architecture/events-are-audited.spec.ts` fails while a
 * registered event is neither here nor in NOT_AUDITED.
 */
export const AUDITED_EVENTS: readonly AuditedEvent[] = [
  // Tenancy: admin actions (actor admin) — tenants and their domains
  audited(TenantCreatedEvent, 'tenant.created', (p) => ({
    target: tenant(p.tenantId),
    targetLabel: p.name,
    summary: `Tenant "${p.name}" created with SSO domains: ${list(p.ssoDomains)}`,
    details: { name: p.name, ssoDomains: p.ssoDomains },
  })),
  audited(TenantUpdatedEvent, 'tenant.updated', (p) => ({
    target: tenant(p.tenantId),
    targetLabel: p.changes.name ?? null,
    summary: `Tenant updated: ${[
      ...(p.changes.name !== undefined ? [`name set to "${p.changes.name}"`] : []),
      ...(p.changes.ssoDomains !== undefined ? [`SSO domains set to ${list(p.changes.ssoDomains)}`] : []),
    ].join('; ')}`,
    // Events from before old values were recorded list the new values only.
    details: {
      changedAttributes: Object.keys(p.changes),
      changes: p.values ?? Object.entries(p.changes).map(([attribute, v]) => ({ attribute, new: v })),
    },
  })),
  // Tenancy: API keys of the admin and sessions APIs (never the secret: the events do not carry it)
  audited(ApiKeyCreatedEvent, 'api_key.created', (p) => ({
    target: { type: 'api_key', id: p.keyId },
    targetLabel: p.name,
    summary: `API key "${p.name}" (${p.prefix}…) created with scope ${p.scope}${p.keyTenantId ? ` for tenant ${p.keyTenantId}` : ''}`,
    details: { name: p.name, scope: p.scope, tenantId: p.keyTenantId, prefix: p.prefix },
  })),
  audited(ApiKeyRevokedEvent, 'api_key.revoked', (p) => ({
    target: { type: 'api_key', id: p.keyId },
    targetLabel: p.name,
    summary: `API key "${p.name}" (${p.prefix}…, scope ${p.scope}) revoked`,
    details: { name: p.name, scope: p.scope, tenantId: p.keyTenantId, prefix: p.prefix },
  })),
  // Tenancy: SCIM connections and their tokens (never the secret: the events do not carry it)
  audited(ScimConnectionCreatedEvent, 'scim_connection.created', (p) => ({
    target: connection(p.connectionId),
    targetLabel: p.name,
    summary: `SCIM connection ${p.connectionId}${p.name ? ` ("${p.name}")` : ''} created`,
    details: { name: p.name },
  })),
  audited(ScimConnectionDeletedEvent, 'scim_connection.deleted', (p) => ({
    target: connection(p.connectionId),
    summary: `SCIM connection ${p.connectionId} deleted; ${plural(p.revokedTokenIds.length, 'token')} revoked with it`,
    details: { revokedTokenIds: p.revokedTokenIds },
  })),
  audited(ScimTokenIssuedEvent, 'token.issued', (p) => ({
    target: token(p.tokenId),
    targetLabel: p.name,
    summary: `SCIM token "${p.name}" (${p.prefix}…) issued for connection ${p.connectionId}`,
    details: { connectionId: p.connectionId, name: p.name, prefix: p.prefix },
  })),
  audited(ScimTokenRotatedEvent, 'token.rotated', (p) => ({
    target: token(p.oldTokenId),
    targetLabel: p.name,
    summary: `SCIM token "${p.name}" of connection ${p.connectionId} rotated: ${p.oldTokenId} replaced by ${p.newTokenId} (${p.prefix}…)`,
    details: {
      connectionId: p.connectionId,
      oldTokenId: p.oldTokenId,
      newTokenId: p.newTokenId,
      name: p.name,
      prefix: p.prefix,
    },
  })),
  audited(ScimTokenRevokedEvent, 'token.revoked', (p) => ({
    target: token(p.tokenId),
    summary: `SCIM token ${p.tokenId} of connection ${p.connectionId} revoked`,
    details: { connectionId: p.connectionId },
  })),
  // Staging: every SCIM mutation (actor scim: connection + token)
  audited(StagedUserCreatedEvent, 'scim_user.created', (p) =>
    stagedUser(p, `created, ${p.active ? 'active' : 'inactive'}`, { active: p.active }),
  ),
  audited(StagedUserUpdatedEvent, 'scim_user.updated', (p) =>
    stagedUser(p, `updated: ${stagedChangesText(p)}`, stagedChanges(p)),
  ),
  audited(StagedUserDeactivatedEvent, 'scim_user.deactivated', (p) =>
    stagedUser(p, 'deactivated (active=false)', { active: false }),
  ),
  audited(StagedUserReactivatedEvent, 'scim_user.reactivated', (p) =>
    stagedUser(p, 'reactivated (active=true)', { active: true }),
  ),
  audited(StagedUserDeletedEvent, 'scim_user.deleted', (p) => stagedUser(p, 'deleted')),
  audited(StagedGroupCreatedEvent, 'scim_group.created', (p) => stagedGroup(p, 'created')),
  audited(StagedGroupUpdatedEvent, 'scim_group.updated', (p) =>
    stagedGroup(p, `updated: ${stagedChangesText(p)}`, stagedChanges(p)),
  ),
  audited(StagedGroupDeletedEvent, 'scim_group.deleted', (p) => stagedGroup(p, 'deleted')),
  audited(StagedMembershipChangedEvent, 'scim_group.members_changed', (p) => ({
    target: scimGroup(p.stagedGroupId),
    summary: `Members of SCIM group ${p.stagedGroupId} changed: ${p.addedCount} added, ${p.removedCount} removed${p.replaced ? ' (member list replaced)' : ''}`,
    // Member ids are capped at 1,000 per list by the event; the counts are exact.
    details: {
      connectionId: p.connectionId,
      added: p.added,
      removed: p.removed,
      addedCount: p.addedCount,
      removedCount: p.removedCount,
      replaced: p.replaced,
    },
  })),
  audited(StagedReferencesIgnoredEvent, 'scim_reference.ignored', (p) => ({
    target: p.resourceType === 'Group' ? scimGroup(p.resourceId) : scimUser(p.resourceId),
    summary: `SCIM ${p.resourceType === 'Group' ? 'group' : 'user'} ${p.resourceId}: ${plural(p.ignoredCount, `${p.attribute === 'members' ? 'member' : 'manager'} id`)} ignored, unknown to this connection`,
    // Ids are capped at 1,000 by the event; the count is exact.
    details: {
      connectionId: p.connectionId,
      attribute: p.attribute,
      ignored: p.ignored,
      ignoredCount: p.ignoredCount,
    },
  })),
  // Tenancy: admin changes to the tenant's internal groups, sites and SCIM group mappings
  audited(InternalGroupCreatedEvent, 'internal_group.created', fromPayload('internal_group', 'groupId', 'name')),
  audited(InternalGroupUpdatedEvent, 'internal_group.updated', (p) => ({
    target: { type: 'internal_group', id: p.groupId },
    targetLabel: p.name ?? null,
    summary: `Internal group ${p.groupId}${p.name ? ` ("${p.name}")` : ''} updated: ${changesText(p.changes) ?? list(p.changedAttributes)}; its members' access follows`,
    details: { ...p },
  })),
  audited(InternalGroupDeletedEvent, 'internal_group.deleted', fromPayload('internal_group', 'groupId', 'name')),
  audited(SiteCreatedEvent, 'site.created', fromPayload('site', 'siteId', 'name')),
  audited(SiteUpdatedEvent, 'site.updated', (p) => ({
    target: { type: 'site', id: p.siteId },
    targetLabel: p.name,
    summary: `Site ${p.siteId} ("${p.name}") updated${p.changes?.length ? `: ${changesText(p.changes)}` : ''}`,
    details: { ...p },
  })),
  audited(SiteDeletedEvent, 'site.deleted', fromPayload('site', 'siteId', 'name')),
  audited(GroupMappingsReplacedEvent, 'group_mappings.replaced', (p) => ({
    target: connection(p.connectionId),
    summary: `Group mappings of SCIM connection ${p.connectionId} replaced: ${plural(p.count, 'rule')}${mappingsText(p.changes) ?? (p.removed?.length ? `, ${plural(p.removed.length, 'rule')} removed` : '')}`,
    details: { ...p },
  })),
  // Tenancy: what Sync (actor system) and admins did to tenant memberships
  audited(MemberAddedEvent, 'member.added', (p) => ({
    target: membership(p.membershipId),
    subject: member(p),
    summary: `${p.email ? `${p.email} (account ${p.accountId})` : `Account ${p.accountId}`} added as a manual member${p.restored ? ' (revoked membership restored)' : ''}`,
    details: { ...p },
  })),
  audited(MemberProvisionedEvent, 'member.provisioned', (p) => ({
    target: membership(p.membershipId),
    subject: member(p),
    summary: joined(
      `${p.email ? `${p.email} (account ${p.accountId})` : `Account ${p.accountId}`} ${p.reactivated ? 're-provisioned (membership reactivated)' : 'provisioned as a member'} from SCIM user ${p.stagedUserId}${bySync(p.syncRunId)}`,
      accessText(p.access, p.accessOmitted),
    ),
    details: { ...p },
  })),
  audited(MemberUpdatedEvent, 'member.updated', (p) => ({
    target: membership(p.membershipId),
    subject: member(p),
    summary: `Member ${p.email ? `${p.email} (account ${p.accountId})` : p.accountId} updated from SCIM user ${p.stagedUserId}${bySync(p.syncRunId)}: ${
      joined(changesText(p.changes), accessText(p.access, p.accessOmitted)) || list(p.changedAttributes)
    }`,
    details: { ...p },
  })),
  audited(MembershipRevokedEvent, 'membership.revoked', (p) => ({
    target: membership(p.membershipId),
    subject: member(p),
    summary: joined(
      `Membership of ${p.email ? `${p.email} (account ${p.accountId})` : `account ${p.accountId}`} revoked (${p.reason.replace(/_/g, ' ')})${bySync(p.syncRunId)}`,
      accessText(p.access, p.accessOmitted),
    ),
    details: { ...p },
  })),
  audited(MemberAccessRevokedEvent, 'member.access_revoked', (p) => ({
    target: membership(p.membershipId),
    targetLabel: p.email,
    subject: { email: p.email, accountId: p.accountId },
    summary: `${p.email} lost internal group "${p.internalGroupName}" (permissions: ${list(p.permissions)}; sites: ${list(
      p.sites.map((s) => s.name),
    )}) — ${REASON[accessRevokedReason(p.cause)]}: ${
      p.cause === 'group_mapping_removed'
        ? `its mapping rule${p.rule ? ` (SCIM group ${p.rule.scimGroupDisplayName !== null ? `"${p.rule.scimGroupDisplayName}"` : `externalId "${p.rule.scimGroupExternalId}"`})` : ''} was removed`
        : `SCIM group ${p.stagedGroupId}${p.scimGroup ? ` ("${p.scimGroup.displayName}")` : ''} ${p.cause === 'scim_group_members_removed' ? 'no longer lists the member' : p.cause === 'scim_group_deleted' ? 'was deleted' : 'was renamed'}`
    }`,
    details: {
      ...p,
      access: [
        {
          change: 'taken',
          internalGroupId: p.internalGroupId,
          internalGroupName: p.internalGroupName,
          permissions: p.permissions,
          sites: p.sites,
          reason: accessRevokedReason(p.cause),
        },
      ],
    },
  })),
  // Sync runs (actor system for scheduled runs, admin for manual ones)
  audited(SyncRunStartedEvent, 'sync_run.started', (p) => ({
    target: syncRun(p.syncRunId),
    summary: `Sync run ${p.syncRunId} of connection ${p.connectionId} started: ${p.mode}, ${p.trigger}${p.modeReason ? ` (${p.modeReason})` : ''}`,
    details: { ...p },
  })),
  audited(SyncRunCompletedEvent, 'sync_run.completed', (p) => ({
    target: syncRun(p.syncRunId),
    summary: `Sync run ${p.syncRunId} of connection ${p.connectionId} completed in ${p.durationMs} ms: ${tally(p.counts)}`,
    details: { ...p },
  })),
  audited(SyncRunFailedEvent, 'sync_run.failed', (p) => ({
    target: syncRun(p.syncRunId),
    summary: `Sync run ${p.syncRunId} of connection ${p.connectionId} failed after ${tally(p.counts)}: ${p.error.slice(0, 300)}`,
    details: { ...p },
  })),
  // One entry per skipped user (per batch in events written before the subject was added).
  audited(SyncUsersSkippedEvent, 'member.skipped', (p) => ({
    target: syncRun(p.syncRunId),
    subject: scimPerson(p.subject),
    summary: p.subject
      ? `Sync run ${p.syncRunId} skipped SCIM user ${p.skips[0]?.stagedUserId} ("${p.subject.userName}"${p.subject.email ? `, ${p.subject.email}` : ''}): ${tally(p.countsByReason)}`
      : `Sync run ${p.syncRunId} skipped ${plural(p.skips.length, 'SCIM user')}: ${tally(p.countsByReason)}`,
    details: { ...p },
  })),
  // Sessions: creation by the host product's key (the actor), for a member (the subject)
  audited(SessionCreatedEvent, 'session.created', (p) => ({
    target: { type: 'account', id: p.accountId },
    targetLabel: p.email,
    subject: { email: p.email, accountId: p.accountId },
    summary: `Session ${p.sessionId} created for account ${p.accountId} (${p.email}), expires ${p.expiresAt}`,
    details: { ...p },
  })),
  // Sessions: terminations (logout, or because the membership was revoked)
  audited(SessionsTerminatedEvent, 'session.terminated', (p) => ({
    target: { type: 'account', id: p.accountId },
    subject: member(p),
    summary: `${plural(p.count, 'session')} of account ${p.accountId} terminated (${
      p.reason === 'logout'
        ? 'logout'
        : `membership revoked${p.membershipRevokedReason ? `: ${p.membershipRevokedReason.replace(/_/g, ' ')}` : ''}`
    })`,
    // Session ids are capped at 1,000 by the event; the count is exact.
    details: { ...p },
  })),
  // Console: sign-in and sign-out (actor the key; a timeout or revocation noticed later: system). Never the key or cookie.
  audited(ConsoleSignedInEvent, 'console.signed_in', (p) => ({
    target: { type: 'api_key', id: p.keyId },
    targetLabel: p.keyName,
    summary: `Console sign-in with API key "${p.keyName}" (scope ${p.scope}), session ${p.sessionId}`,
    details: { ...p },
  })),
  audited(ConsoleSignedOutEvent, 'console.signed_out', (p) => ({
    target: { type: 'api_key', id: p.keyId },
    targetLabel: p.keyName,
    summary: `Console session ${p.sessionId} of API key "${p.keyName}" ended: ${CONSOLE_END_REASONS[p.reason]}`,
    details: { ...p },
  })),
  // Audit itself: retention (actor system)
  audited(AuditTrailPrunedEvent, 'audit_trail.pruned', (p) => ({
    target: null,
    summary: `Retention pruned ${plural(p.count, 'audit entry', 'audit entries')} (sequence ${p.fromSeq}..${p.toSeq}) older than ${p.cutoff}`,
    details: { fromSeq: p.fromSeq, toSeq: p.toSeq, count: p.count, cutoff: p.cutoff, anchorHash: p.anchorHash },
  })),
];

/**
 * Registered events the trail deliberately does not record, each with its reason (reviewed like
 * AUDITED_EVENTS).
 */
export const NOT_AUDITED: ReadonlyArray<{ readonly event: DomainEventClass; readonly reason: string }> = [
  {
    event: StagedGroupMembersLeftEvent,
    reason:
      'a projection for Tenancy of SCIM changes already audited (scim_group.members_changed, .updated, .deleted); each revocation it leads to is audited as member.access_revoked',
  },
];
