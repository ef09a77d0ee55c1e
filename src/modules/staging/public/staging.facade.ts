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
  StageUserInput,
  StagingScope,
} from './staging.types';
import type {
  SyncChangeQuery,
  SyncOutcomeRecord,
  SyncStagedGroup,
  SyncUserPage,
  SyncUserSelection,
} from './staging-sync.types';

/**
 * Staging's public door. ScimApi calls it with canonical SCIM data; each mutation is one
 * transaction that also writes its domain events to the outbox. `modify*` take a function that
 * computes the new state from the row-locked current one, so a multi-op PATCH is all or nothing.
 */
export abstract class StagingFacade {
  abstract createUser(scope: StagingScope, input: StageUserInput): Promise<StagedUserRecord>;
  abstract getUser(scope: StagingScope, id: string): Promise<StagedUserRecord | null>;
  abstract modifyUser(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedUserRecord) => StagedUserChange | Promise<StagedUserChange>,
    expectedVersion?: number,
  ): Promise<StagedUserRecord>;
  /** Which of `ids` are live users of this connection (lower-cased); inside a write, under its transaction. */
  abstract findLiveUserIds(scope: StagingScope, ids: readonly string[]): Promise<Set<string>>;
  abstract deleteUser(scope: StagingScope, id: string, expectedVersion?: number): Promise<void>;
  abstract listUsers(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedUserRecord>>;

  abstract createGroup(
    scope: StagingScope,
    input: StageGroupInput,
    members: readonly StagedMember[],
  ): Promise<StagedGroupRecord>;
  abstract getGroup(scope: StagingScope, id: string): Promise<StagedGroupRecord | null>;
  abstract modifyGroup(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedGroupRecord) => StagedGroupChange,
    expectedVersion?: number,
  ): Promise<StagedGroupRecord>;
  abstract deleteGroup(scope: StagingScope, id: string, expectedVersion?: number): Promise<void>;
  abstract listGroups(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedGroupRecord>>;
  /** Members of the given groups, in insertion order. */
  abstract listMembers(scope: StagingScope, groupIds: readonly string[]): Promise<Map<string, StagedMember[]>>;

  /**
   * The names of the live groups each of these users is a direct member of (users without one are
   * absent from the map) — what decides which mapped access the users still hold.
   */
  abstract listGroupNamesOfUsers(
    scope: StagingScope,
    stagedUserIds: readonly string[],
  ): Promise<Map<string, StagedGroupName[]>>;

  /** Admin visibility: staged users of a connection (deleted ones included), keyset-paged. */
  abstract adminListUsers(
    connectionId: string,
    cursor: string | undefined,
    limit: number,
    filter?: StagedUserAdminFilter,
  ): Promise<StagedAdminPage<StagedUserAdminRow>>;
  abstract adminGetUser(connectionId: string, id: string): Promise<StagedUserAdminRecord | null>;
  abstract adminListGroups(
    connectionId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<StagedAdminPage<StagedGroupAdminRow>>;

  // ---- Sync's door: batch reads of a connection's staged data, and the outcome Sync reached ----

  /** A page of staged users with their live group ids (one query per page). Deleted users included. */
  abstract listUsersForSync(scope: StagingScope, selection: SyncUserSelection): Promise<SyncUserPage>;
  /** Every staged group of the connection, deleted ones included. */
  abstract listGroupsForSync(scope: StagingScope): Promise<SyncStagedGroup[]>;
  /** Ids of users an incremental run must look at (changed rows, members of changed groups, retries). */
  abstract listChangedUserIdsForSync(scope: StagingScope, query: SyncChangeQuery): Promise<string[]>;
  /** Records Sync's outcome on the staged rows (`synced_at`, `sync_skip_reason`); not an IdP change. */
  abstract recordSyncOutcome(scope: StagingScope, outcomes: readonly SyncOutcomeRecord[]): Promise<void>;
}
