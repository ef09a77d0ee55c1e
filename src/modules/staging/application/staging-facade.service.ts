import { Injectable } from '@nestjs/common';
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
  StageUserInput,
  StagingScope,
} from '../public/staging.types';
import { StagedGroupRepository } from '../infrastructure/staged-group.repository';
import { StagedUserRepository } from '../infrastructure/staged-user.repository';
import { StagedSyncRepository } from '../infrastructure/staged-sync.repository';
import { StagedAdminRepository } from '../infrastructure/staged-admin.repository';
import type {
  SyncChangeQuery,
  SyncOutcomeRecord,
  SyncStagedGroup,
  SyncUserPage,
  SyncUserSelection,
} from '../public/staging-sync.types';
import { isUuid } from '../../../shared/domain/uuid';
import { decodeCursor, withNextCursor } from './admin-cursor-common';
import { CreateStagedGroupUseCase } from './create-staged-group.use-case';
import { CreateStagedUserUseCase } from './create-staged-user.use-case';
import { DeleteStagedGroupUseCase } from './delete-staged-group.use-case';
import { DeleteStagedUserUseCase } from './delete-staged-user.use-case';
import { ModifyStagedGroupUseCase } from './modify-staged-group.use-case';
import { ModifyStagedUserUseCase } from './modify-staged-user.use-case';
import { RecordSyncOutcomeUseCase } from './record-sync-outcome.use-case';

/** Writes go to their use cases (each one transaction with its outbox rows); reads to the repositories. */
@Injectable()
export class StagingFacadeService extends StagingFacade {
  constructor(
    private readonly users: StagedUserRepository,
    private readonly groups: StagedGroupRepository,
    private readonly syncReads: StagedSyncRepository,
    private readonly admin: StagedAdminRepository,
    private readonly userCreator: CreateStagedUserUseCase,
    private readonly userModifier: ModifyStagedUserUseCase,
    private readonly userDeleter: DeleteStagedUserUseCase,
    private readonly groupCreator: CreateStagedGroupUseCase,
    private readonly groupModifier: ModifyStagedGroupUseCase,
    private readonly groupDeleter: DeleteStagedGroupUseCase,
    private readonly syncOutcomes: RecordSyncOutcomeUseCase,
  ) {
    super();
  }

  createUser(scope: StagingScope, input: StageUserInput): Promise<StagedUserRecord> {
    return this.userCreator.execute(scope, input);
  }

  findLiveUserIds(scope: StagingScope, ids: readonly string[]): Promise<Set<string>> {
    return this.users.findLiveIds(scope, ids);
  }

  getUser(scope: StagingScope, id: string): Promise<StagedUserRecord | null> {
    return this.users.find(scope, id);
  }

  modifyUser(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedUserRecord) => StagedUserChange | Promise<StagedUserChange>,
    expectedVersion?: number,
  ): Promise<StagedUserRecord> {
    return this.userModifier.execute(scope, id, mutate, expectedVersion);
  }

  deleteUser(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.userDeleter.execute(scope, id, expectedVersion);
  }

  listUsers(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedUserRecord>> {
    return this.users.list(scope, query);
  }

  createGroup(
    scope: StagingScope,
    input: StageGroupInput,
    members: readonly StagedMember[],
  ): Promise<StagedGroupRecord> {
    return this.groupCreator.execute(scope, input, members);
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
    return this.groupModifier.execute(scope, id, mutate, expectedVersion);
  }

  deleteGroup(scope: StagingScope, id: string, expectedVersion?: number): Promise<void> {
    return this.groupDeleter.execute(scope, id, expectedVersion);
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
    return this.syncOutcomes.execute(scope, outcomes);
  }
}
