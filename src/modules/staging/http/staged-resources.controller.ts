import { Controller, Get, Param, Query } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { TenancyError, TenancyErrorCode, TenancyFacade } from '../../tenancy/public';
import { StagingFacade } from '../public/staging.facade';
import { ValidateRequests } from '../../../shared/http/request-validation';

export class StagedListQueryRequestDto {
  @IsOptional()
  @IsString()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Admin visibility of what an IdP pushed: staged users and groups of a connection. */
@Controller('admin/v1/scim-connections/:connectionId')
@ValidateRequests()
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
  async users(@Param('connectionId') connectionId: string, @Query() q: StagedListQueryRequestDto) {
    const c = await this.connection(connectionId);
    return this.staging.adminListUsers(c.id, q.cursor, q.limit ?? 100);
  }

  @Get('scim-groups')
  async groups(@Param('connectionId') connectionId: string, @Query() q: StagedListQueryRequestDto) {
    const c = await this.connection(connectionId);
    return this.staging.adminListGroups(c.id, q.cursor, q.limit ?? 100);
  }
}
