import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../../../shared/http/current-principal.decorator';
import type { Principal } from '../../../shared/domain/principal';
import { CreateScimConnectionUseCase } from '../application/create-scim-connection.use-case';
import { GetTenantQuery } from '../application/get-tenant.query';
import { ListScimConnectionsQuery } from '../application/list-scim-connections.query';
import { ListTenantsQuery } from '../application/list-tenants.query';
import { CreateTenantUseCase } from '../application/create-tenant.use-case';
import { UpdateTenantUseCase } from '../application/update-tenant.use-case';
import {
  CreateScimConnectionRequestDto,
  CreateTenantRequestDto,
  ListTenantsQueryDto,
  UpdateTenantRequestDto,
} from './dtos/tenant.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

/** Admin API: tenants and their SCIM connections. A tenant key reaches its own tenant only. */
@Controller('admin/v1/tenants')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'tenantId' })
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenantUseCase,
    private readonly updateTenant: UpdateTenantUseCase,
    private readonly createConnection: CreateScimConnectionUseCase,
    private readonly listTenants: ListTenantsQuery,
    private readonly getTenant: GetTenantQuery,
    private readonly listConnections: ListScimConnectionsQuery,
  ) {}

  /** Tenants are created by admin keys only. */
  @Post()
  @HttpCode(201)
  @AllowScopes('admin')
  async create(@Body() body: CreateTenantRequestDto) {
    const t = await this.createTenant.execute({ name: body.name, ssoDomains: body.ssoDomains ?? [] });
    return t;
  }

  /** `{items, nextCursor}` by name; a tenant key sees its own tenant only. */
  @Get()
  @TenantFrom({ from: 'principal' })
  list(@Query() q: ListTenantsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.listTenants.execute(q.q, q.cursor, q.limit ?? 100, principal.tenantId);
  }

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string) {
    return this.getTenant.execute(tenantId);
  }

  @Patch(':tenantId')
  update(@Param('tenantId') tenantId: string, @Body() body: UpdateTenantRequestDto) {
    return this.updateTenant.execute(tenantId, body);
  }

  @Post(':tenantId/scim-connections')
  @HttpCode(201)
  createScimConnection(@Param('tenantId') tenantId: string, @Body() body: CreateScimConnectionRequestDto) {
    return this.createConnection.execute(tenantId, { name: body?.name });
  }

  @Get(':tenantId/scim-connections')
  async listScimConnections(@Param('tenantId') tenantId: string) {
    return { items: await this.listConnections.execute(tenantId) };
  }
}
