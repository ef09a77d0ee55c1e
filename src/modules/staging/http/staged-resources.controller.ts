import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { TenancyError, TenancyErrorCode, TenancyFacade } from '../../tenancy/public';
import { StagingFacade } from '../public/staging.facade';
import { IsPageLimit, ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';
import { isUuid } from '../../../shared/domain/uuid';

export class StagedListQueryRequestDto {
  @IsOptional()
  @IsString()
  cursor?: string;

  @IsPageLimit(1000)
  limit?: number;
}

export class StagedUsersQueryRequestDto extends StagedListQueryRequestDto {
  /** A userName or an email, exactly (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  q?: string;

  @IsOptional()
  @IsIn(['active', 'inactive', 'deleted'])
  status?: 'active' | 'inactive' | 'deleted';

  @IsOptional()
  @IsString()
  @MaxLength(100)
  skipReason?: string;
}

/** Admin visibility of what an IdP pushed: staged users and groups of a connection. */
@Controller('admin/v1/scim-connections/:connectionId')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'connectionId', kind: 'scim_connection' })
export class StagedResourcesController {
  constructor(
    private readonly tenancy: TenancyFacade,
    private readonly staging: StagingFacade,
  ) {}

  private async connection(connectionId: string) {
    // A deleted connection's staged data stays readable (its SCIM routes are gone).
    const c = await this.tenancy.findConnection(connectionId);
    if (!c) throw new TenancyError(TenancyErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
    return c;
  }

  @Get('scim-users')
  async users(@Param('connectionId') connectionId: string, @Query() q: StagedUsersQueryRequestDto) {
    const c = await this.connection(connectionId);
    return this.staging.adminListUsers(c.id, q.cursor, q.limit ?? 100, {
      q: q.q?.trim() || undefined,
      status: q.status,
      skipReason: q.skipReason || undefined,
    });
  }

  /** The staged record: stored resource (attributes, extensions), raw payload, last sync outcome. */
  @Get('scim-users/:userId')
  async user(@Param('connectionId') connectionId: string, @Param('userId') userId: string) {
    const c = await this.connection(connectionId);
    const user = await this.staging.adminGetUser(c.id, userId);
    if (!user) throw new NotFoundException('staged user not found');
    return user;
  }

  /** A staged group's members (users and nested groups), up to the first 1,000. */
  @Get('scim-groups/:groupId/members')
  async groupMembers(@Param('connectionId') connectionId: string, @Param('groupId') groupId: string) {
    const c = await this.connection(connectionId);
    if (!isUuid(groupId)) {
      throw new NotFoundException('staged group not found');
    }
    const scope = { tenantId: c.tenantId, connectionId: c.id };
    const group = await this.staging.getGroup(scope, groupId.toLowerCase());
    if (!group) throw new NotFoundException('staged group not found');
    const members = (await this.staging.listMembers(scope, [group.id])).get(group.id) ?? [];
    return {
      items: members.slice(0, 1000).map((m) => ({ value: m.value, type: m.type, display: m.display ?? null })),
      total: members.length,
    };
  }

  @Get('scim-groups')
  async groups(@Param('connectionId') connectionId: string, @Query() q: StagedListQueryRequestDto) {
    const c = await this.connection(connectionId);
    return this.staging.adminListGroups(c.id, q.cursor, q.limit ?? 100);
  }
}
