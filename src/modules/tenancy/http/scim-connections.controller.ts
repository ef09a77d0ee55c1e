import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { DeleteScimConnectionUseCase } from '../application/delete-scim-connection.use-case';
import { IssueScimTokenUseCase } from '../application/issue-scim-token.use-case';
import { RevokeScimTokenUseCase } from '../application/revoke-scim-token.use-case';
import { RotateScimTokenUseCase } from '../application/rotate-scim-token.use-case';
import { GetScimConnectionQuery } from '../application/get-scim-connection.query';
import { ListScimTokensQuery } from '../application/list-scim-tokens.query';
import { IssueScimTokenRequestDto } from './dtos/tenant.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

/** Admin API: one SCIM connection and its bearer tokens. */
@Controller('admin/v1/scim-connections')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'connectionId', kind: 'scim_connection' })
export class ScimConnectionsController {
  constructor(
    private readonly deleteConnection: DeleteScimConnectionUseCase,
    private readonly issueToken: IssueScimTokenUseCase,
    private readonly rotateToken: RotateScimTokenUseCase,
    private readonly revokeToken: RevokeScimTokenUseCase,
    private readonly getConnection: GetScimConnectionQuery,
    private readonly listTokens: ListScimTokensQuery,
  ) {}

  @Get(':connectionId')
  get(@Param('connectionId') connectionId: string) {
    return this.getConnection.execute(connectionId);
  }

  @Delete(':connectionId')
  @HttpCode(204)
  async delete(@Param('connectionId') connectionId: string): Promise<void> {
    await this.deleteConnection.execute(connectionId);
  }

  @Post(':connectionId/tokens')
  @HttpCode(201)
  issue(@Param('connectionId') connectionId: string, @Body() body: IssueScimTokenRequestDto) {
    return this.issueToken.execute(connectionId, { name: body.name });
  }

  @Get(':connectionId/tokens')
  async list(@Param('connectionId') connectionId: string) {
    return { items: await this.listTokens.execute(connectionId) };
  }

  @Post(':connectionId/tokens/:tokenId/rotate')
  @HttpCode(201)
  rotate(@Param('connectionId') connectionId: string, @Param('tokenId') tokenId: string) {
    return this.rotateToken.execute(connectionId, tokenId);
  }

  @Delete(':connectionId/tokens/:tokenId')
  @HttpCode(204)
  async revoke(@Param('connectionId') connectionId: string, @Param('tokenId') tokenId: string): Promise<void> {
    await this.revokeToken.execute(connectionId, tokenId);
  }
}
