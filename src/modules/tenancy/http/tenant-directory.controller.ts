import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CreateInternalGroupUseCase } from '../application/create-internal-group.use-case';
import { CreateSiteUseCase } from '../application/create-site.use-case';
import { DeleteInternalGroupUseCase } from '../application/delete-internal-group.use-case';
import { DeleteSiteUseCase } from '../application/delete-site.use-case';
import { GetInternalGroupQuery } from '../application/get-internal-group.query';
import { GetSiteQuery } from '../application/get-site.query';
import { ListInternalGroupsQuery } from '../application/list-internal-groups.query';
import { ListSitesQuery } from '../application/list-sites.query';
import { RenameSiteUseCase } from '../application/rename-site.use-case';
import { UpdateInternalGroupUseCase } from '../application/update-internal-group.use-case';
import {
  CreateInternalGroupRequestDto,
  CreateSiteRequestDto,
  UpdateInternalGroupRequestDto,
  UpdateSiteRequestDto,
} from './dtos/directory.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

/** Admin API: a tenant's internal user groups (permissions + site access) and sites. */
@Controller('admin/v1/tenants/:tenantId')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'tenantId' })
export class TenantDirectoryController {
  constructor(
    private readonly createGroupUseCase: CreateInternalGroupUseCase,
    private readonly listGroupsQuery: ListInternalGroupsQuery,
    private readonly getGroupQuery: GetInternalGroupQuery,
    private readonly updateGroupUseCase: UpdateInternalGroupUseCase,
    private readonly deleteGroupUseCase: DeleteInternalGroupUseCase,
    private readonly createSiteUseCase: CreateSiteUseCase,
    private readonly listSitesQuery: ListSitesQuery,
    private readonly getSiteQuery: GetSiteQuery,
    private readonly renameSiteUseCase: RenameSiteUseCase,
    private readonly deleteSiteUseCase: DeleteSiteUseCase,
  ) {}

  @Post('groups')
  @HttpCode(201)
  createGroup(@Param('tenantId') tenantId: string, @Body() body: CreateInternalGroupRequestDto) {
    return this.createGroupUseCase.execute(tenantId, body);
  }

  @Get('groups')
  async listGroups(@Param('tenantId') tenantId: string) {
    return { items: await this.listGroupsQuery.execute(tenantId) };
  }

  @Get('groups/:groupId')
  getGroup(@Param('tenantId') tenantId: string, @Param('groupId') groupId: string) {
    return this.getGroupQuery.execute(tenantId, groupId);
  }

  @Patch('groups/:groupId')
  updateGroup(
    @Param('tenantId') tenantId: string,
    @Param('groupId') groupId: string,
    @Body() body: UpdateInternalGroupRequestDto,
  ) {
    return this.updateGroupUseCase.execute(tenantId, groupId, body);
  }

  @Delete('groups/:groupId')
  @HttpCode(204)
  async deleteGroup(@Param('tenantId') tenantId: string, @Param('groupId') groupId: string): Promise<void> {
    await this.deleteGroupUseCase.execute(tenantId, groupId);
  }

  @Post('sites')
  @HttpCode(201)
  createSite(@Param('tenantId') tenantId: string, @Body() body: CreateSiteRequestDto) {
    return this.createSiteUseCase.execute(tenantId, body.name);
  }

  @Get('sites')
  async listSites(@Param('tenantId') tenantId: string) {
    return { items: await this.listSitesQuery.execute(tenantId) };
  }

  @Get('sites/:siteId')
  getSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string) {
    return this.getSiteQuery.execute(tenantId, siteId);
  }

  @Patch('sites/:siteId')
  updateSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string, @Body() body: UpdateSiteRequestDto) {
    return this.renameSiteUseCase.execute(tenantId, siteId, body.name);
  }

  @Delete('sites/:siteId')
  @HttpCode(204)
  async deleteSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string): Promise<void> {
    await this.deleteSiteUseCase.execute(tenantId, siteId);
  }
}
