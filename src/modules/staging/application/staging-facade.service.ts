import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { diffForAudit } from '../../audit/public';
import { StagedGroupCreatedEvent } from '../public/events/staged-group-created.event';
import { StagedGroupDeletedEvent } from '../public/events/staged-group-deleted.event';
import { StagedGroupMembersLeftEvent } from '../public/events/staged-group-members-left.event';
import { StagedGroupUpdatedEvent } from '../public/events/staged-group-updated.event';
import { StagedMembershipChangedEvent } from '../public/events/staged-membership-changed.event';
import { StagedReferencesIgnoredEvent } from '../public/events/staged-references-ignored.event';
import { StagedUserCreatedEvent } from '../public/events/staged-user-created.event';
import { StagedUserDeactivatedEvent } from '../public/events/staged-user-deactivated.event';
import { StagedUserDeletedEvent } from '../public/events/staged-user-deleted.event';
import { StagedUserReactivatedEvent } from '../public/events/staged-user-reactivated.event';
import { StagedUserUpdatedEvent } from '../public/events/staged-user-updated.event';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import { StagingFacade } from '../public/staging.facade';
import type {
  StageGroupInput,
  StagedAdminPage,
  StagedGroupAdminRow,
  StagedGroupChange,
  StagedGroupName,
  StagedGroupRecord,
  StagedListQuery,
  StagedMember,
  StagedPage,
  StagedUserAdminFilter,
  StagedUserAdminRecord,
  StagedUserAdminRow,
  StagedUserChange,
  StagedUserRecord,
  StagedUserSubject,
  StageUserInput,
  StagingScope,
} from '../public/staging.types';
import { StagedGroupRepository, type RemovedMember } from '../infrastructure/staged-group.repository';
import { StagedUserRepository } from '../infrastructure/staged-user.repository';
import { StagedSyncRepository } from '../infrastructure/staged-sync.repository';
import { StagedAdminRepository, type AdminKeyset, type AdminPage } from '../infrastructure/staged-admin.repository';
import type {
  SyncChangeQuery,
  SyncOutcomeRecord,
  SyncStagedGroup,
  SyncUserPage,
  SyncUserSelection,
} from '../public/staging-sync.types';
import { isUuid } from '../../../shared/domain/uuid';

const USER_NAME_UNIQUE = 'scim_user__connection_id_user_name__uq';
/** Member id lists in events are capped; counts stay exact. */
const EVENT_MEMBER_CAP = 1000;

const notFound = (what: string) => new StagingError(StagingErrorCode.NOT_FOUND, `${what} not found`);

function checkVersion(current: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && current.version !== expected) {
    throw new StagingError(
      StagingErrorCode.VERSION_MISMATCH,
      `resource version is ${current.version}, If-Match asked for ${expected}`,
    );
  }
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && name === constraint;
}

/**
 * Staging's use cases behind the facade: every mutation is one transaction writing the shadow
 * tables and the outbox rows of its events together.
 */
@Injectable()
export class StagingFacadeService extends StagingFacade {
  private readonly logger = new Logger('Staging');

  constructor(
    private readonly tx: TransactionHost,
    private readonly users: StagedUserRepository,
    private readonly groups: StagedGroupRepository,
    private readonly events: EventBus,
    private readonly syncReads: StagedSyncRepository,
    private readonly admin: StagedAdminRepository,
  ) {
    super();
  }

  private meta(scope: StagingScope) {
    return { tenantId: scope.tenantId };
  }

  private usernameTaken(input: StageUserInput): StagingError {
    return new StagingError(
      StagingErrorCode.USERNAME_TAKEN,
      `userName "${input.userName.slice(0, 100)}" is already taken in this connection`,
    );
  }

  async createUser(scope: StagingScope, input: StageUserInput): Promise<StagedUserRecord> {
    const id = randomUUID();
    const created = new StagedUserCreatedEvent(
      {
        connectionId: scope.connectionId,
        stagedUserId: id,
        externalId: input.externalId,
        active: input.active,
        subject: subjectOf(input),
      },
      this.meta(scope),
    );
    const ignored = this.ignoredEvent(scope, 'User', id, 'manager', input.ignoredManagerIds ?? []);
    const user = await this.users.insert({
      scope,
      id,
      input,
      outbox: this.events.statement(ignored ? [created, ignored] : [created]),
    });
    if (!user) throw this.usernameTaken(input);
    return user;
  }

  findLiveUserIds(scope: StagingScope, ids: readonly string[]): Promise<Set<string>> {
    return this.users.findLiveIds(scope, ids);
  }

  getUser(scope: StagingScope, id: string): Promise<StagedUserRecord | null> {
    return this.users.find(scope, id);
  }

  async modifyUser(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedUserRecord) => StagedUserChange | Promise<StagedUserChange>,
    expectedVersion?: number,
  ): Promise<StagedUserRecord> {
    try {
      return await this.tx.run(async () => {
        const locked = await this.users.find(scope, id, { forUpdate: true });
        if (!locked) throw notFound('user');
        checkVersion(locked, expectedVersion);
        const { input, changedAttributes } = await mutate(locked);
        const ignored = this.ignoredEvent(scope, 'User', id, 'manager', input.ignoredManagerIds ?? []);
        const columnsChanged =
          input.userName !== locked.userName ||
          input.externalId !== locked.externalId ||
          input.active !== locked.active;
        if (changedAttributes.length === 0 && !columnsChanged) {
          // Nothing changed (Entra re-sends values it already sent): no write, no event, same ETag.
          if (ignored) await this.events.publish(ignored);
          return (await this.users.find(scope, id))!;
        }
        const payload = {
          connectionId: scope.connectionId,
          stagedUserId: id,
          externalId: input.externalId,
          subject: subjectOf(input),
        };
        // Old and new values from the row locked in this transaction (the IdP's previous write).
        const { changes, omitted } = diffForAudit(locked.resource, input.resource);
        const events: DomainEvent<object>[] = [
          new StagedUserUpdatedEvent(
            { ...payload, changedAttributes, changes, ...(omitted > 0 ? { changesOmitted: omitted } : {}) },
            this.meta(scope),
          ),
        ];
        if (locked.active && !input.active) events.push(new StagedUserDeactivatedEvent(payload, this.meta(scope)));
        if (!locked.active && input.active) events.push(new StagedUserReactivatedEvent(payload, this.meta(scope)));
        if (ignored) events.push(ignored);
        // The row and its events in one statement (one round trip fewer in every PATCH and PUT).
        return this.users.update(scope, id, input, this.events.statement(events));
      });
    } catch (err) {
      if (isUniqueViolation(err, USER_NAME_UNIQUE))
        throw new StagingError(StagingErrorCode.USERNAME_TAKEN, 'userName is already taken in this connection');
      throw err;
    }
  }

  deleteUser(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.tx.run(async () => {
      const locked = await this.users.find(scope, id, { forUpdate: true });
      if (!locked) throw notFound('user');
      checkVersion(locked, expectedVersion);
      await this.users.markDeleted(scope, id);
      await this.events.publish(
        new StagedUserDeletedEvent(
          {
            connectionId: scope.connectionId,
            stagedUserId: id,
            externalId: locked.externalId,
            subject: subjectOf(locked),
          },
          this.meta(scope),
        ),
      );
    });
  }

  listUsers(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedUserRecord>> {
    return this.users.list(scope, query);
  }

  async createGroup(
    scope: StagingScope,
    input: StageGroupInput,
    members: readonly StagedMember[],
  ): Promise<StagedGroupRecord> {
    return this.tx.run(async () => {
      const group = await this.groups.insert(scope, randomUUID(), input);
      const events: DomainEvent<object>[] = [
        new StagedGroupCreatedEvent(
          { connectionId: scope.connectionId, stagedGroupId: group.id, externalId: group.externalId },
          this.meta(scope),
        ),
      ];
      const { added, ignored } = await this.addMembers(scope, group.id, members);
      if (added.length > 0) events.push(this.membershipEvent(scope, group.id, added, [], false));
      const ignoredEvent = this.ignoredEvent(scope, 'Group', group.id, 'members', ignored);
      if (ignoredEvent) events.push(ignoredEvent);
      await this.events.publish(...events);
      return group;
    });
  }

  getGroup(scope: StagingScope, id: string): Promise<StagedGroupRecord | null> {
    return this.groups.find(scope, id);
  }

  modifyGroup(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedGroupRecord) => StagedGroupChange,
    expectedVersion?: number,
  ): Promise<StagedGroupRecord> {
    return this.tx.run(async () => {
      const locked = await this.groups.find(scope, id, { forUpdate: true });
      if (!locked) throw notFound('group');
      checkVersion(locked, expectedVersion);
      const { input, changedAttributes, members } = mutate(locked);
      const events: DomainEvent<object>[] = [];
      let removed: RemovedMember[];
      let adding: { added: string[]; ignored: string[] };
      if (members.replaceAll) {
        const keep = members.replaceAll.map((m) => m.value);
        removed = await this.groups.removeMembersExcept(id, keep);
        adding = await this.addMembers(scope, id, members.replaceAll);
      } else {
        removed = await this.groups.removeMembers(id, members.remove);
        adding = await this.addMembers(scope, id, members.add);
      }
      const added = adding.added;
      const ignored = this.ignoredEvent(scope, 'Group', id, 'members', adding.ignored);
      if (ignored) events.push(ignored);
      const renamed = input.displayName !== locked.displayName || input.externalId !== locked.externalId;
      const attributesChanged = changedAttributes.length > 0 || renamed;
      const membersChanged = added.length > 0 || removed.length > 0;
      if (!attributesChanged && !membersChanged) {
        await this.events.publish(...events); // only the ignored-references event, if any
        return locked;
      }
      if (attributesChanged) {
        // Members are the membership event's; the rest as old and new values.
        const { changes, omitted } = diffForAudit(
          { displayName: locked.displayName, externalId: locked.externalId, ...locked.resource },
          { displayName: input.displayName, externalId: input.externalId, ...input.resource },
          ['members'],
        );
        events.push(
          new StagedGroupUpdatedEvent(
            {
              connectionId: scope.connectionId,
              stagedGroupId: id,
              externalId: input.externalId,
              displayName: input.displayName,
              changedAttributes,
              changes,
              ...(omitted > 0 ? { changesOmitted: omitted } : {}),
            },
            this.meta(scope),
          ),
        );
      }
      if (membersChanged)
        events.push(
          this.membershipEvent(
            scope,
            id,
            added,
            removed.map((m) => m.id),
            !!members.replaceAll,
          ),
        );
      // Who no longer holds the group under its old name: the removed users, and on a rename every
      // member that held it before (not those this change added).
      const readded = new Set(added);
      let left = removed.filter((m) => m.type === 'User' && !readded.has(m.id)).map((m) => m.id);
      if (renamed) {
        await this.groups.recordFormerName(scope, locked);
        const before = new Set(removed.map((m) => m.id));
        const fresh = new Set(added.filter((m) => !before.has(m)));
        left = [...left, ...(await this.groups.userMemberIds(id)).filter((m) => !fresh.has(m))];
      }
      events.push(...this.membersLeftEvents(scope, locked, left, renamed ? 'group_renamed' : 'members_removed'));
      // The row and its events in one statement (one round trip fewer in every group PATCH and PUT).
      return this.groups.update(
        scope,
        id,
        attributesChanged ? input : { ...input, resource: locked.resource },
        true,
        this.events.statement(events),
      );
    });
  }

  deleteGroup(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.tx.run(async () => {
      const locked = await this.groups.find(scope, id, { forUpdate: true });
      if (!locked) throw notFound('group');
      checkVersion(locked, expectedVersion);
      const members = await this.groups.markDeleted(scope, id);
      await this.events.publish(
        new StagedGroupDeletedEvent(
          { connectionId: scope.connectionId, stagedGroupId: id, externalId: locked.externalId },
          this.meta(scope),
        ),
        ...this.membersLeftEvents(scope, locked, members, 'group_deleted'),
      );
    });
  }

  listGroups(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedGroupRecord>> {
    return this.groups.list(scope, query);
  }

  listMembers(scope: StagingScope, groupIds: readonly string[]): Promise<Map<string, StagedMember[]>> {
    return this.groups.listMembers(scope, groupIds);
  }

  listGroupNamesOfUsers(
    scope: StagingScope,
    stagedUserIds: readonly string[],
  ): Promise<Map<string, StagedGroupName[]>> {
    return this.groups.groupNamesOfUsers(scope, stagedUserIds);
  }

  async adminListUsers(
    connectionId: string,
    cursor: string | undefined,
    limit: number,
    filter: StagedUserAdminFilter = {},
  ): Promise<StagedAdminPage<StagedUserAdminRow>> {
    return withNextCursor(await this.admin.listUsers(connectionId, decodeCursor(cursor), limit, filter), limit);
  }

  async adminGetUser(connectionId: string, id: string): Promise<StagedUserAdminRecord | null> {
    if (!isUuid(id)) return null;
    return this.admin.getUser(connectionId, id.toLowerCase());
  }

  async adminListGroups(
    connectionId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<StagedAdminPage<StagedGroupAdminRow>> {
    return withNextCursor(await this.admin.listGroups(connectionId, decodeCursor(cursor), limit), limit);
  }

  listUsersForSync(scope: StagingScope, selection: SyncUserSelection): Promise<SyncUserPage> {
    return this.syncReads.listUsers(scope, selection);
  }

  listGroupsForSync(scope: StagingScope): Promise<SyncStagedGroup[]> {
    return this.syncReads.listGroups(scope);
  }

  listChangedUserIdsForSync(scope: StagingScope, query: SyncChangeQuery): Promise<string[]> {
    return this.syncReads.listChangedUserIds(scope, query);
  }

  recordSyncOutcome(scope: StagingScope, outcomes: readonly SyncOutcomeRecord[]): Promise<void> {
    return this.syncReads.recordOutcomes(scope, outcomes);
  }

  /**
   * Inserts the members that are live users/groups of this connection. Unknown ids (a user deleted
   * meanwhile, another connection's id, junk) are not stored and are returned as `ignored`: refusing
   * the request would make the IdP retry it forever (issue #16).
   */
  private async addMembers(
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
    const types = await this.groups.resolveMemberTypes(scope, [...unique.keys()]);
    const known: Array<StagedMember & { type: 'User' | 'Group' }> = [];
    const ignored: string[] = [];
    for (const [id, m] of unique) {
      const type = types.get(id);
      if (type) known.push({ ...m, type });
      else ignored.push(m.value);
    }
    const added = await this.groups.addMembers(scope, groupId, known);
    return { added, ignored };
  }

  /** The audit fact and warn log of ids a write left out (undefined when there are none). */
  private ignoredEvent(
    scope: StagingScope,
    resourceType: 'User' | 'Group',
    resourceId: string,
    attribute: 'members' | 'manager',
    ids: readonly string[],
  ): StagedReferencesIgnoredEvent | undefined {
    if (ids.length === 0) return undefined;
    const shown = ids.slice(0, EVENT_MEMBER_CAP).map((v) => v.slice(0, 64));
    this.logger.warn(
      `SCIM ${resourceType} ${resourceId} of connection ${scope.connectionId}: ${ids.length} ${attribute} id(s) ignored, not users${attribute === 'members' ? ' or groups' : ''} of this connection: ${shown
        .slice(0, 5)
        .map((v) => JSON.stringify(v))
        .join(', ')}${ids.length > 5 ? ' …' : ''}`,
    );
    return new StagedReferencesIgnoredEvent(
      {
        connectionId: scope.connectionId,
        resourceType,
        resourceId,
        attribute,
        ignored: shown,
        ignoredCount: ids.length,
      },
      this.meta(scope),
    );
  }

  /** The users that no longer hold `group` under its current name, in events of EVENT_MEMBER_CAP ids each. */
  private membersLeftEvents(
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
          this.meta(scope),
        ),
      );
    }
    return events;
  }

  private membershipEvent(scope: StagingScope, groupId: string, added: string[], removed: string[], replaced: boolean) {
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
      this.meta(scope),
    );
  }
}

function subjectOf(user: { userName: string; primaryEmail: string | null }): StagedUserSubject {
  return { userName: user.userName, email: user.primaryEmail };
}

/** A full page may have a successor: its cursor is the last row's exact keyset position. */
function withNextCursor<T>(page: AdminPage<T>, limit: number): StagedAdminPage<T> {
  return { items: page.items, nextCursor: page.items.length === limit && page.last ? encodeCursor(page.last) : null };
}

function encodeCursor(keyset: AdminKeyset): string {
  return Buffer.from(JSON.stringify([keyset.createdAt, keyset.id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): AdminKeyset | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      !Number.isNaN(Date.parse(createdAt)) &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    /* fall through */
  }
  throw new StagingError(StagingErrorCode.INVALID_CURSOR, 'invalid cursor');
}
