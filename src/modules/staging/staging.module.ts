import { Module } from '@nestjs/common';
import { EventRegistry } from '../../shared/events/event-registry';
import { CreateStagedGroupUseCase } from './application/create-staged-group.use-case';
import { CreateStagedUserUseCase } from './application/create-staged-user.use-case';
import { DeleteStagedGroupUseCase } from './application/delete-staged-group.use-case';
import { DeleteStagedUserUseCase } from './application/delete-staged-user.use-case';
import { ModifyStagedGroupUseCase } from './application/modify-staged-group.use-case';
import { ModifyStagedUserUseCase } from './application/modify-staged-user.use-case';
import { RecordSyncOutcomeUseCase } from './application/record-sync-outcome.use-case';
import { StagingFacadeService } from './application/staging-facade.service';
import { StagedResourcesController } from './http/staged-resources.controller';
import { StagedGroupRepository } from './infrastructure/staged-group.repository';
import { StagedUserRepository } from './infrastructure/staged-user.repository';
import { StagedSyncRepository } from './infrastructure/staged-sync.repository';
import { StagedAdminRepository } from './infrastructure/staged-admin.repository';
import { StagedGroupCreatedEvent } from './public/events/staged-group-created.event';
import { StagedGroupDeletedEvent } from './public/events/staged-group-deleted.event';
import { StagedGroupMembersLeftEvent } from './public/events/staged-group-members-left.event';
import { StagedGroupUpdatedEvent } from './public/events/staged-group-updated.event';
import { StagedMembershipChangedEvent } from './public/events/staged-membership-changed.event';
import { StagedReferencesIgnoredEvent } from './public/events/staged-references-ignored.event';
import { StagedUserCreatedEvent } from './public/events/staged-user-created.event';
import { StagedUserDeactivatedEvent } from './public/events/staged-user-deactivated.event';
import { StagedUserDeletedEvent } from './public/events/staged-user-deleted.event';
import { StagedUserReactivatedEvent } from './public/events/staged-user-reactivated.event';
import { StagedUserUpdatedEvent } from './public/events/staged-user-updated.event';
import { StagingFacade } from './public/staging.facade';

EventRegistry.register(
  StagedUserCreatedEvent,
  StagedUserUpdatedEvent,
  StagedUserDeactivatedEvent,
  StagedUserReactivatedEvent,
  StagedUserDeletedEvent,
  StagedGroupCreatedEvent,
  StagedGroupUpdatedEvent,
  StagedGroupDeletedEvent,
  StagedMembershipChangedEvent,
  StagedReferencesIgnoredEvent,
  StagedGroupMembersLeftEvent,
);

/** Shadow tables of what IdPs pushed (schema `staging`). See README.md. */
@Module({
  controllers: [StagedResourcesController],
  providers: [
    StagedUserRepository,
    StagedGroupRepository,
    StagedSyncRepository,
    StagedAdminRepository,
    CreateStagedUserUseCase,
    ModifyStagedUserUseCase,
    DeleteStagedUserUseCase,
    CreateStagedGroupUseCase,
    ModifyStagedGroupUseCase,
    DeleteStagedGroupUseCase,
    RecordSyncOutcomeUseCase,
    { provide: StagingFacade, useClass: StagingFacadeService },
  ],
  exports: [StagingFacade],
})
export class StagingModule {}
