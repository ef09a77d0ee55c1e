import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ListGroupMappingsQuery } from '../application/list-group-mappings.query';
import { ReplaceGroupMappingsUseCase } from '../application/replace-group-mappings.use-case';
import { ReplaceGroupMappingsRequestDto } from './dtos/directory.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

/**
 * Admin API: a connection's SCIM group → internal group mapping rules. GET answers in the shape PUT
 * takes (`{mappings: [...]}`), so a client can read, edit and write the set back.
 */
@Controller('admin/v1/scim-connections/:connectionId/group-mappings')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'connectionId', kind: 'scim_connection' })
export class GroupMappingsController {
  constructor(
    private readonly listQuery: ListGroupMappingsQuery,
    private readonly replaceUseCase: ReplaceGroupMappingsUseCase,
  ) {}

  @Get()
  async list(@Param('connectionId') connectionId: string) {
    return { mappings: await this.listQuery.execute(connectionId) };
  }

  @Put()
  async replace(@Param('connectionId') connectionId: string, @Body() body: ReplaceGroupMappingsRequestDto) {
    return { mappings: await this.replaceUseCase.execute(connectionId, body.mappings) };
  }
}
