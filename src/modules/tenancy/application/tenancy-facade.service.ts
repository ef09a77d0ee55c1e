import { Injectable } from '@nestjs/common';
import { ScimRequestAuthenticator } from '../domain/scim-request-authenticator';
import { isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { MemberRepository } from '../infrastructure/member.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import type {
  ScimMemberDesiredState,
  ScimMemberOutcome,
  ScimMemberScope,
  ScimSyncContext,
} from '../public/scim-members.types';
import {
  TenancyFacade,
  type ActiveMembershipRef,
  type ConnectionRef,
  type MemberAccess,
} from '../public/tenancy.facade';
import type { ScimPrincipal, ScimRequestLike } from '../public/scim-bearer.constants';
import { ApplyScimMembersUseCase } from './apply-scim-members.use-case';
import { FindScimMembersInGroupsQuery } from './find-scim-members-in-groups.query';
import { PlanScimMembersUseCase } from './plan-scim-members.use-case';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class TenancyFacadeService extends TenancyFacade {
  constructor(
    private readonly connections: ScimConnectionRepository,
    private readonly tenants: TenantRepository,
    private readonly directory: InternalGroupRepository,
    private readonly members: MemberRepository,
    private readonly planner: PlanScimMembersUseCase,
    private readonly applier: ApplyScimMembersUseCase,
    private readonly holders: FindScimMembersInGroupsQuery,
    private readonly scimBearer: ScimRequestAuthenticator,
  ) {
    super();
  }

  authenticateScimRequest(req: ScimRequestLike): Promise<ScimPrincipal | null> {
    return this.scimBearer.authenticate(req);
  }

  async findLiveConnection(connectionId: string): Promise<ConnectionRef | null> {
    if (!isConnectionId(connectionId)) return null;
    const c = await this.connections.findLive(connectionId);
    return c ? { id: c.id, tenantId: c.tenantId } : null;
  }

  async findConnection(connectionId: string): Promise<(ConnectionRef & { deletedAt: string | null }) | null> {
    if (!isConnectionId(connectionId)) return null;
    const c = await this.connections.find(connectionId);
    return c ? { id: c.id, tenantId: c.tenantId, deletedAt: c.deletedAt?.toISOString() ?? null } : null;
  }

  async findActiveMembership(tenantId: string, email: string): Promise<ActiveMembershipRef | null> {
    if (!isUuid(tenantId)) return null;
    const row = await this.members.findActiveByEmail(tenantId, email.trim());
    return row ? { membershipId: row.membership_id, accountId: row.account_id, tenantId, email: row.email } : null;
  }

  async getMemberAccess(tenantId: string, accountId: string): Promise<MemberAccess | null> {
    if (!isUuid(tenantId) || !isUuid(accountId)) return null;
    const row = await this.members.findByAccount(tenantId, accountId);
    return row
      ? {
          accountId,
          email: row.email,
          active: row.status === 'active',
          permissions: row.permissions,
          siteIds: row.sites.map((s) => s.id),
        }
      : null;
  }

  async listLiveConnections(): Promise<ConnectionRef[]> {
    return (await this.connections.listLive()).map((c) => ({ id: c.id, tenantId: c.tenantId }));
  }

  async getSyncContext(connectionId: string): Promise<ScimSyncContext | null> {
    const c = await this.findLiveConnection(connectionId);
    if (!c) return null;
    const tenant = await this.tenants.findById(c.tenantId);
    if (!tenant) return null;
    const mappings = await this.directory.listMappings(c.tenantId, c.id);
    return {
      tenantId: c.tenantId,
      connectionId: c.id,
      ssoDomains: tenant.ssoDomains.map((d) => d.toLowerCase()),
      mappings: mappings.map((m) => ({
        scimGroupDisplayName: m.scim_group_display_name,
        scimGroupExternalId: m.scim_group_external_id,
        internalGroupId: m.internal_group_id,
      })),
    };
  }

  planScimMembers(scope: ScimMemberScope, desired: readonly ScimMemberDesiredState[]): Promise<ScimMemberOutcome[]> {
    return this.planner.execute(scope, desired);
  }

  applyScimMembers(
    scope: ScimMemberScope & { runId: string | null },
    desired: readonly ScimMemberDesiredState[],
  ): Promise<ScimMemberOutcome[]> {
    return this.applier.execute(scope, desired);
  }

  findScimMembersInGroups(scope: ScimMemberScope, internalGroupIds: readonly string[]): Promise<string[]> {
    return this.holders.execute(scope, internalGroupIds);
  }
}
