import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { IsEmail, IsString, IsUUID, MaxLength } from 'class-validator';
import { CreateSessionUseCase } from '../application/create-session.use-case';
import { IntrospectSessionUseCase } from '../application/introspect-session.use-case';
import { ListMemberSessionsQuery } from '../application/list-member-sessions.query';
import { LogOutSessionUseCase } from '../application/log-out-session.use-case';
import { CurrentPrincipal } from '../../../shared/http/current-principal.decorator';
import type { Principal } from '../../../shared/domain/principal';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

export class CreateSessionRequestDto {
  @IsUUID()
  tenantId: string;

  @IsEmail({ require_tld: false })
  @MaxLength(320)
  email: string;
}

export class IntrospectSessionRequestDto {
  @IsString()
  @MaxLength(512)
  token: string;
}

/**
 * The host product's backend (a `sessions` key of the tenant, or an admin key) creates a session after its own SSO login, asks
 * whether a session token is still valid, and logs users out.
 */
@Controller('v1/sessions')
@ValidateRequests()
@AllowScopes('admin', 'sessions')
export class SessionsController {
  constructor(
    private readonly createUseCase: CreateSessionUseCase,
    private readonly introspectUseCase: IntrospectSessionUseCase,
    private readonly logOutUseCase: LogOutSessionUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  @TenantFrom({ from: 'body', name: 'tenantId' })
  create(@Body() body: CreateSessionRequestDto) {
    return this.createUseCase.execute(body.tenantId, body.email);
  }

  /** RFC 7662 §2.2 response shape; always 200, `{"active": false}` for anything not valid. */
  @Post('introspect')
  @TenantFrom({ from: 'principal' })
  @HttpCode(200)
  introspect(@Body() body: IntrospectSessionRequestDto, @CurrentPrincipal() principal: Principal) {
    // A sessions key sees its own tenant's sessions only: another tenant's token is inactive to it.
    return this.introspectUseCase.execute(body.token, principal.tenantId);
  }

  @Delete(':sessionId')
  @TenantFrom({ from: 'param', name: 'sessionId', kind: 'session' })
  @HttpCode(204)
  async logout(@Param('sessionId') sessionId: string): Promise<void> {
    await this.logOutUseCase.execute(sessionId);
  }
}

@Controller('admin/v1/tenants/:tenantId/members/:accountId/sessions')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'param', name: 'tenantId' })
export class MemberSessionsController {
  constructor(private readonly listQuery: ListMemberSessionsQuery) {}

  @Get()
  async list(@Param('tenantId') tenantId: string, @Param('accountId') accountId: string) {
    return { items: await this.listQuery.execute(tenantId, accountId) };
  }
}
