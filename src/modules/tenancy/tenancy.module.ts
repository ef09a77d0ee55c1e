import { Global, Module } from '@nestjs/common';
import { STORED_API_KEYS } from '../../shared/domain/principal';
import { CreateApiKeyUseCase } from './application/create-api-key.use-case';
import { ListApiKeysQuery } from './application/list-api-keys.query';
import { RevokeApiKeyUseCase } from './application/revoke-api-key.use-case';
import { VerifyApiKeyUseCase } from './application/verify-api-key.use-case';
import { ApiKeysController } from './http/api-keys.controller';
import { ConnectionTenantResolver } from './http/connection-tenant.resolver';
import { ApiKeyCache } from './infrastructure/api-key.cache';
import { ApiKeyRepository } from './infrastructure/api-key.repository';
import { RevocationListener } from './infrastructure/revocation-listener';
import { ApiKeyCreatedEvent } from './public/events/api-key-created.event';
import { ApiKeyRevokedEvent } from './public/events/api-key-revoked.event';
import { StagingModule } from '../staging/staging.module';
import { EventRegistry } from '../../shared/events/event-registry';
import { CreateScimConnectionUseCase } from './application/create-scim-connection.use-case';
import { DeleteScimConnectionUseCase } from './application/delete-scim-connection.use-case';
import { ScimConnectionViews } from './application/scim-connection-common';
import { IssueScimTokenUseCase } from './application/issue-scim-token.use-case';
import { RevokeScimTokenUseCase } from './application/revoke-scim-token.use-case';
import { RotateScimTokenUseCase } from './application/rotate-scim-token.use-case';
import { VerifyScimTokenUseCase } from './application/verify-scim-token.use-case';
import { FindConnectionTenantQuery } from './application/find-connection-tenant.query';
import { GetScimConnectionQuery } from './application/get-scim-connection.query';
import { GetTenantQuery } from './application/get-tenant.query';
import { ListScimConnectionsQuery } from './application/list-scim-connections.query';
import { ListScimTokensQuery } from './application/list-scim-tokens.query';
import { ListTenantsQuery } from './application/list-tenants.query';
import { TenancyFacadeService } from './application/tenancy-facade.service';
import { RevokeMembershipOnStagedUserDeprovisionedListener } from './application/revoke-membership-on-staged-user-deprovisioned.listener';
import { MemberProvisionedEvent } from './public/events/member-provisioned.event';
import { MemberUpdatedEvent } from './public/events/member-updated.event';
import { MembershipRevokedEvent } from './public/events/membership-revoked.event';
import { TenancyFacade } from './public/tenancy.facade';
import { CreateTenantUseCase } from './application/create-tenant.use-case';
import { UpdateTenantUseCase } from './application/update-tenant.use-case';
import { ScimAuthFailureLimiter } from './http/scim-auth-failure-limiter';
import { ScimBearerAuthenticator } from './http/scim-bearer.authenticator';
import { ScimRequestAuthenticator } from './domain/scim-request-authenticator';
import { ScimConnectionsController } from './http/scim-connections.controller';
import { TenantsController } from './http/tenants.controller';
import { ScimConnectionRepository } from './infrastructure/scim-connection.repository';
import { ScimTokenRepository } from './infrastructure/scim-token.repository';
import { ScimTokenCache } from './infrastructure/scim-token.cache';
import { TenantRepository } from './infrastructure/tenant.repository';
import { ScimConnectionCreatedEvent } from './public/events/scim-connection-created.event';
import { ScimConnectionDeletedEvent } from './public/events/scim-connection-deleted.event';
import { ScimTokenIssuedEvent } from './public/events/scim-token-issued.event';
import { ScimTokenRevokedEvent } from './public/events/scim-token-revoked.event';
import { ScimTokenRotatedEvent } from './public/events/scim-token-rotated.event';
import { TenantCreatedEvent } from './public/events/tenant-created.event';
import { TenantUpdatedEvent } from './public/events/tenant-updated.event';
import { MemberAddedEvent } from './public/events/member-added.event';
import { InternalGroupCreatedEvent } from './public/events/internal-group-created.event';
import { InternalGroupUpdatedEvent } from './public/events/internal-group-updated.event';
import { InternalGroupDeletedEvent } from './public/events/internal-group-deleted.event';
import { SiteCreatedEvent } from './public/events/site-created.event';
import { SiteUpdatedEvent } from './public/events/site-updated.event';
import { SiteDeletedEvent } from './public/events/site-deleted.event';
import { GroupMappingsReplacedEvent } from './public/events/group-mappings-replaced.event';
import { MemberAccessRevokedEvent } from './public/events/member-access-revoked.event';
import { RevokeScimGroupAccessUseCase } from './application/revoke-scim-group-access.use-case';
import { RevokeGroupAccessOnStagedGroupMembersLeftListener } from './application/revoke-group-access-on-staged-group-members-left.listener';
import { RevokeGroupAccessOnGroupMappingsReplacedListener } from './application/revoke-group-access-on-group-mappings-replaced.listener';
import { ScimGroupAccessRepository } from './infrastructure/scim-group-access.repository';
import { ApplyScimMembersUseCase } from './application/apply-scim-members.use-case';
import { FindScimMembersInGroupsQuery } from './application/find-scim-members-in-groups.query';
import { PlanScimMembersUseCase } from './application/plan-scim-members.use-case';
import { AddManualMemberUseCase } from './application/add-manual-member.use-case';
import { CreateInternalGroupUseCase } from './application/create-internal-group.use-case';
import { CreateSiteUseCase } from './application/create-site.use-case';
import { DeleteInternalGroupUseCase } from './application/delete-internal-group.use-case';
import { DeleteSiteUseCase } from './application/delete-site.use-case';
import { GetInternalGroupQuery } from './application/get-internal-group.query';
import { GetMemberQuery } from './application/get-member.query';
import { GetSiteQuery } from './application/get-site.query';
import { ListGroupMappingsQuery } from './application/list-group-mappings.query';
import { ListInternalGroupsQuery } from './application/list-internal-groups.query';
import { ListMembersQuery } from './application/list-members.query';
import { ListSitesQuery } from './application/list-sites.query';
import { RenameSiteUseCase } from './application/rename-site.use-case';
import { ReplaceGroupMappingsUseCase } from './application/replace-group-mappings.use-case';
import { RevokeMemberUseCase } from './application/revoke-member.use-case';
import { UpdateInternalGroupUseCase } from './application/update-internal-group.use-case';
import { GroupMappingsController } from './http/group-mappings.controller';
import { MembersController } from './http/members.controller';
import { TenantDirectoryController } from './http/tenant-directory.controller';
import { InternalGroupRepository } from './infrastructure/internal-group.repository';
import { MemberRepository } from './infrastructure/member.repository';
import { ScimMemberRepository } from './infrastructure/scim-member.repository';
import { ScimConnectionHealthRepository } from './infrastructure/scim-connection-health.repository';
import { RecordLastSyncRunOnSyncRunEventsListener } from './application/record-last-sync-run-on-sync-run-events.listener';
import { FlushScimTrafficJob } from './jobs/flush-scim-traffic.job';

EventRegistry.register(
  TenantCreatedEvent,
  TenantUpdatedEvent,
  ScimConnectionCreatedEvent,
  ScimConnectionDeletedEvent,
  ScimTokenIssuedEvent,
  ScimTokenRotatedEvent,
  ScimTokenRevokedEvent,
  MemberProvisionedEvent,
  MemberUpdatedEvent,
  MembershipRevokedEvent,
  MemberAddedEvent,
  InternalGroupCreatedEvent,
  InternalGroupUpdatedEvent,
  InternalGroupDeletedEvent,
  SiteCreatedEvent,
  SiteUpdatedEvent,
  SiteDeletedEvent,
  GroupMappingsReplacedEvent,
  ApiKeyCreatedEvent,
  ApiKeyRevokedEvent,
  MemberAccessRevokedEvent,
);

/** Global so other modules get TenancyFacade (and the guard STORED_API_KEYS) without importing Tenancy internals. */
@Global()
@Module({
  // StagingFacade: which SCIM groups a member still holds when a group's access is taken back.
  imports: [StagingModule],
  controllers: [
    TenantsController,
    ScimConnectionsController,
    MembersController,
    TenantDirectoryController,
    GroupMappingsController,
    ApiKeysController,
  ],
  providers: [
    TenantRepository,
    ScimConnectionRepository,
    ScimTokenRepository,
    RevocationListener,
    ScimTokenCache,
    ApiKeyRepository,
    ApiKeyCache,
    CreateApiKeyUseCase,
    ListApiKeysQuery,
    RevokeApiKeyUseCase,
    VerifyApiKeyUseCase,
    { provide: STORED_API_KEYS, useExisting: VerifyApiKeyUseCase },
    ConnectionTenantResolver,
    ScimConnectionViews,
    GetTenantQuery,
    ListTenantsQuery,
    ListScimConnectionsQuery,
    GetScimConnectionQuery,
    ListScimTokensQuery,
    FindConnectionTenantQuery,
    CreateTenantUseCase,
    UpdateTenantUseCase,
    CreateScimConnectionUseCase,
    DeleteScimConnectionUseCase,
    IssueScimTokenUseCase,
    RotateScimTokenUseCase,
    RevokeScimTokenUseCase,
    VerifyScimTokenUseCase,
    ScimBearerAuthenticator,
    { provide: ScimRequestAuthenticator, useExisting: ScimBearerAuthenticator },
    ScimAuthFailureLimiter,
    { provide: TenancyFacade, useClass: TenancyFacadeService },
    RevokeMembershipOnStagedUserDeprovisionedListener,
    ScimMemberRepository,
    MemberRepository,
    InternalGroupRepository,
    PlanScimMembersUseCase,
    ApplyScimMembersUseCase,
    FindScimMembersInGroupsQuery,
    ListMembersQuery,
    GetMemberQuery,
    AddManualMemberUseCase,
    RevokeMemberUseCase,
    CreateSiteUseCase,
    ListSitesQuery,
    GetSiteQuery,
    RenameSiteUseCase,
    DeleteSiteUseCase,
    CreateInternalGroupUseCase,
    ListInternalGroupsQuery,
    GetInternalGroupQuery,
    UpdateInternalGroupUseCase,
    DeleteInternalGroupUseCase,
    ListGroupMappingsQuery,
    ReplaceGroupMappingsUseCase,
    ScimGroupAccessRepository,
    RevokeScimGroupAccessUseCase,
    RevokeGroupAccessOnStagedGroupMembersLeftListener,
    RevokeGroupAccessOnGroupMappingsReplacedListener,
    ScimConnectionHealthRepository,
    RecordLastSyncRunOnSyncRunEventsListener,
    FlushScimTrafficJob,
  ],
  exports: [TenancyFacade, STORED_API_KEYS],
})
export class TenancyModule {}
