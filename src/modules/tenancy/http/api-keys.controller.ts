import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../../../shared/http/current-principal.decorator';
import type { Principal } from '../../../shared/domain/principal';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';
import { CreateApiKeyUseCase } from '../application/create-api-key.use-case';
import { ListApiKeysQuery } from '../application/list-api-keys.query';
import { RevokeApiKeyUseCase } from '../application/revoke-api-key.use-case';
import { CreateApiKeyRequestDto, ListApiKeysQueryDto } from './dtos/tenant.request.dto';

/** Admin API: named, scoped API keys. Only admin keys mint and revoke keys; a tenant key lists its tenant's. */
@Controller('admin/v1/api-keys')
@ValidateRequests()
export class ApiKeysController {
  constructor(
    private readonly createKey: CreateApiKeyUseCase,
    private readonly listKeys: ListApiKeysQuery,
    private readonly revokeKey: RevokeApiKeyUseCase,
  ) {}

  /** 201 with the secret (`key`), shown in this answer only. */
  @Post()
  @HttpCode(201)
  @AllowScopes('admin')
  create(@Body() body: CreateApiKeyRequestDto, @CurrentPrincipal() principal: Principal) {
    return this.createKey.execute({ name: body.name, scope: body.scope, tenantId: body.tenantId }, principal);
  }

  /** `{items, nextCursor}`, oldest first: never the secret or its hash. */
  @Get()
  @AllowScopes('admin', 'tenant')
  @TenantFrom({ from: 'query', name: 'tenantId' })
  list(@Query() q: ListApiKeysQueryDto) {
    return this.listKeys.execute({ tenantId: q.tenantId, cursor: q.cursor, limit: q.limit ?? 100 });
  }

  /** 204; the key is refused from that moment, on every replica. */
  @Delete(':keyId')
  @HttpCode(204)
  @AllowScopes('admin')
  async revoke(@Param('keyId') keyId: string): Promise<void> {
    await this.revokeKey.execute(keyId);
  }
}
