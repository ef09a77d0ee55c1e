import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { TenantDirectoryUseCases } from '../application/directory.use-cases';
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
  constructor(private readonly directory: TenantDirectoryUseCases) {}

  @Post('groups')
  @HttpCode(201)
  createGroup(@Param('tenantId') tenantId: string, @Body() body: CreateInternalGroupRequestDto) {
    return this.directory.createGroup(tenantId, body);
  }

  @Get('groups')
  async listGroups(@Param('tenantId') tenantId: string) {
    return { items: await this.directory.listGroups(tenantId) };
  }

  @Get('groups/:groupId')
  getGroup(@Param('tenantId') tenantId: string, @Param('groupId') groupId: string) {
    return this.directory.getGroup(tenantId, groupId);
  }

  @Patch('groups/:groupId')
  updateGroup(
    @Param('tenantId') tenantId: string,
    @Param('groupId') groupId: string,
    @Body() body: UpdateInternalGroupRequestDto,
  ) {
    return this.directory.updateGroup(tenantId, groupId, body);
  }

  @Delete('groups/:groupId')
  @HttpCode(204)
  async deleteGroup(@Param('tenantId') tenantId: string, @Param('groupId') groupId: string): Promise<void> {
    await this.directory.deleteGroup(tenantId, groupId);
  }

  @Post('sites')
  @HttpCode(201)
  createSite(@Param('tenantId') tenantId: string, @Body() body: CreateSiteRequestDto) {
    return this.directory.createSite(tenantId, body.name);
  }

  @Get('sites')
  async listSites(@Param('tenantId') tenantId: string) {
    return { items: await this.directory.listSites(tenantId) };
  }

  @Get('sites/:siteId')
  getSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string) {
    return this.directory.getSite(tenantId, siteId);
  }

  @Patch('sites/:siteId')
  updateSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string, @Body() body: UpdateSiteRequestDto) {
    return this.directory.renameSite(tenantId, siteId, body.name);
  }

  @Delete('sites/:siteId')
  @HttpCode(204)
  async deleteSite(@Param('tenantId') tenantId: string, @Param('siteId') siteId: string): Promise<void> {
    await this.directory.deleteSite(tenantId, siteId);
  }
}
