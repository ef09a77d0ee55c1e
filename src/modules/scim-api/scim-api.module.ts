import { Module } from '@nestjs/common';
import { ScimGroupsUseCases } from './application/scim-groups.use-cases';
import { scimSchemaRegistryProvider } from './application/scim-registry.provider';
import { ScimUsersUseCases } from './application/scim-users.use-cases';
import { ConnectionThrottlerGuard } from './http/connection-throttler.guard';
import { ScimDiscoveryController } from './http/scim-discovery.controller';
import { ScimGroupsController } from './http/scim-groups.controller';
import { ScimUsersController } from './http/scim-users.controller';
import { StagingModule } from '../staging/staging.module';

/** The SCIM 2.0 HTTP surface. Owns no tables: it talks to Staging through its facade. See README.md. */
@Module({
  imports: [StagingModule],
  controllers: [ScimDiscoveryController, ScimUsersController, ScimGroupsController],
  providers: [scimSchemaRegistryProvider, ScimUsersUseCases, ScimGroupsUseCases, ConnectionThrottlerGuard],
})
export class ScimApiModule {}
