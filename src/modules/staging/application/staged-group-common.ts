import type { StagedGroupRepository } from '../infrastructure/staged-group.repository';
import { StagedGroupMembersLeftEvent } from '../public/events/staged-group-members-left.event';
import { StagedMembershipChangedEvent } from '../public/events/staged-membership-changed.event';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import type { StagedGroupRecord, StagedMember, StagingScope } from '../public/staging.types';
import { EVENT_MEMBER_CAP, eventMeta } from './staging-common';

/**
 * Inserts the members that are live users/groups of this connection. Unknown ids (a user deleted
 * meanwhile, another connection's id, junk) are not stored and are returned as `ignored`: refusing
 * the request would make the IdP retry it forever (issue #16).
 */
export async function addMembers(
  groups: StagedGroupRepository,
  scope: StagingScope,
  groupId: string,
  members: readonly StagedMember[],
): Promise<{ added: string[]; ignored: string[] }> {
  if (members.length === 0) return { added: [], ignored: [] };
  // One pass per step, each id lower-cased once: a PATCH may carry 40,000 members.
  const unique = new Map<string, StagedMember>();
  for (const m of members) unique.set(m.value.toLowerCase(), m);
  if (unique.has(groupId)) {
    throw new StagingError(StagingErrorCode.UNKNOWN_MEMBER, 'a group cannot be a member of itself');
  }
  const types = await groups.resolveMemberTypes(scope, [...unique.keys()]);
  const known: Array<StagedMember & { type: 'User' | 'Group' }> = [];
  const ignored: string[] = [];
  for (const [id, m] of unique) {
    const type = types.get(id);
    if (type) known.push({ ...m, type });
    else ignored.push(m.value);
  }
  const added = await groups.addMembers(scope, groupId, known);
  return { added, ignored };
}

/** The users that no longer hold `group` under its current name, in events of EVENT_MEMBER_CAP ids each. */
export function membersLeftEvents(
  scope: StagingScope,
  group: StagedGroupRecord,
  stagedUserIds: readonly string[],
  cause: StagedGroupMembersLeftEvent['payload']['cause'],
): StagedGroupMembersLeftEvent[] {
  const events: StagedGroupMembersLeftEvent[] = [];
  for (let from = 0; from < stagedUserIds.length; from += EVENT_MEMBER_CAP) {
    events.push(
      new StagedGroupMembersLeftEvent(
        {
          connectionId: scope.connectionId,
          stagedGroupId: group.id,
          displayName: group.displayName,
          externalId: group.externalId,
          stagedUserIds: stagedUserIds.slice(from, from + EVENT_MEMBER_CAP),
          cause,
        },
        eventMeta(scope),
      ),
    );
  }
  return events;
}

export function membershipEvent(
  scope: StagingScope,
  groupId: string,
  added: string[],
  removed: string[],
  replaced: boolean,
): StagedMembershipChangedEvent {
  return new StagedMembershipChangedEvent(
    {
      connectionId: scope.connectionId,
      stagedGroupId: groupId,
      added: added.slice(0, EVENT_MEMBER_CAP),
      removed: removed.slice(0, EVENT_MEMBER_CAP),
      addedCount: added.length,
      removedCount: removed.length,
      replaced,
    },
    eventMeta(scope),
  );
}
