import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * Staged users stopped holding a group under the name it had: removed from it (any PATCH form, PUT
 * with a shorter list, Okta's `replace`), the group deleted, or the group renamed (displayName or
 * externalId changed — then every member lost the old name). Carries the group's name before the
 * change, so Tenancy can take back at once what a mapping of that name gave. Every affected user
 * is listed, at most 1,000 per event (a large group's change writes several events).
 */
export class StagedGroupMembersLeftEvent extends DomainEvent<{
  connectionId: string;
  stagedGroupId: string;
  /** The group's displayName and externalId before the change. */
  displayName: string;
  externalId: string | null;
  stagedUserIds: string[];
  cause: 'members_removed' | 'group_deleted' | 'group_renamed';
}> {
  static override readonly eventName = 'staging.group.members_left';
  static override readonly version = 1;
  /** Removing access must not wait: the outbox's urgent lane delivers it ahead of any backlog. */
  static override readonly priority = 1;
}
