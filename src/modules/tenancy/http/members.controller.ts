import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AddManualMemberUseCase } from '../application/add-manual-member.use-case';
import { GetMemberQuery } from '../application/get-member.query';
import { ListMembersQuery } from '../application/list-members.query';
import { RevokeMemberUseCase } from '../application/revoke-member.use-case';
import { AddMemberRequestDto, ListMembersQueryDto } from './dtos/directory.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

/**
 * Admin API: a tenant's members. `groups`/`sites` are `{id, name}`; `permissions` the sorted, unique
 * union over the member's internal groups.
 */
@Controller('admin/v1/tenants/:tenantId/members')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'tenantId' })
export class MembersController {
  constructor(
    private readonly listQuery: ListMembersQuery,
    private readonly getQuery: GetMemberQuery,
    private readonly addManualUseCase: AddManualMemberUseCase,
    private readonly revokeUseCase: RevokeMemberUseCase,
  ) {}

  @Get()
  list(@Param('tenantId') tenantId: string, @Query() q: ListMembersQueryDto) {
    return this.listQuery.execute(tenantId, { cursor: q.cursor, limit: q.limit ?? 1000, status: q.status });
  }

  /** A manual member: the host product's own user. Sync never takes it over. */
  @Post()
  @HttpCode(201)
  async add(@Param('tenantId') tenantId: string, @Body() body: AddMemberRequestDto) {
    return (await this.addManualUseCase.execute(tenantId, body.email)).member;
  }

  @Get(':accountId')
  get(@Param('tenantId') tenantId: string, @Param('accountId') accountId: string) {
    return this.getQuery.execute(tenantId, accountId);
  }

  /** Revokes the membership (reason `admin`): sessions end, Sync does not restore it. */
  @Delete(':accountId')
  @HttpCode(204)
  async revoke(@Param('tenantId') tenantId: string, @Param('accountId') accountId: string): Promise<void> {
    await this.revokeUseCase.execute(tenantId, accountId);
  }
}
