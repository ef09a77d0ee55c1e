import { Module } from '@nestjs/common';
import { CreateScimGroupUseCase } from './application/create-scim-group.use-case';
import { CreateScimUserUseCase } from './application/create-scim-user.use-case';
import { DeleteScimGroupUseCase } from './application/delete-scim-group.use-case';
import { DeleteScimUserUseCase } from './application/delete-scim-user.use-case';
import { GetScimGroupQuery } from './application/get-scim-group.query';
import { GetScimUserQuery } from './application/get-scim-user.query';
import { ListScimGroupsQuery } from './application/list-scim-groups.query';
import { ListScimUsersQuery } from './application/list-scim-users.query';
import { PatchScimGroupUseCase } from './application/patch-scim-group.use-case';
import { PatchScimUserUseCase } from './application/patch-scim-user.use-case';
import { ReplaceScimGroupUseCase } from './application/replace-scim-group.use-case';
import { ReplaceScimUserUseCase } from './application/replace-scim-user.use-case';
import { scimSchemaRegistryProvider } from './application/scim-registry.provider';
import { ConnectionThrottlerGuard } from './http/connection-throttler.guard';
import { ScimDiscoveryController } from './http/scim-discovery.controller';
import { ScimGroupsController } from './http/scim-groups.controller';
import { ScimUsersController } from './http/scim-users.controller';
import { StagingModule } from '../staging/staging.module';

/** The SCIM 2.0 HTTP surface. Owns no tables: it talks to Staging through its facade. See README.md. */
@Module({
  imports: [StagingModule],
  controllers: [ScimDiscoveryController, ScimUsersController, ScimGroupsController],
  providers: [
    scimSchemaRegistryProvider,
    CreateScimUserUseCase,
    GetScimUserQuery,
    ReplaceScimUserUseCase,
    PatchScimUserUseCase,
    DeleteScimUserUseCase,
    ListScimUsersQuery,
    CreateScimGroupUseCase,
    GetScimGroupQuery,
    ReplaceScimGroupUseCase,
    PatchScimGroupUseCase,
    DeleteScimGroupUseCase,
    ListScimGroupsQuery,
    ConnectionThrottlerGuard,
  ],
})
export class ScimApiModule {}
