import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PRINCIPAL_SCOPES, type PrincipalScope } from '../../../../shared/domain/principal';
import { IsOptionalNotNull, IsPageLimit, Stacked } from '../../../../shared/http/request-validation';
import { IsName, IsPageCursor } from './request-fields';

/** A tenant's SSO domains: optional, but up to 100 strings of at most 253 characters when given. */
const IsSsoDomains = () =>
  Stacked(IsOptionalNotNull(), IsArray(), ArrayMaxSize(100), IsString({ each: true }), MaxLength(253, { each: true }));

export class ListTenantsQueryDto {
  /** Part of the name, any case. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsPageCursor()
  cursor?: string;

  @IsPageLimit(500)
  limit?: number;
}

export class CreateTenantRequestDto {
  @IsName()
  name: string;

  @IsSsoDomains()
  ssoDomains?: string[];
}

export class UpdateTenantRequestDto {
  @IsOptionalNotNull()
  @IsName()
  name?: string;

  @IsSsoDomains()
  ssoDomains?: string[];
}

export class CreateScimConnectionRequestDto {
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class IssueScimTokenRequestDto {
  @IsName()
  name: string;
}

export class CreateApiKeyRequestDto {
  @IsName()
  name: string;

  @IsIn(PRINCIPAL_SCOPES)
  scope: PrincipalScope;

  /** Required for `tenant` and `sessions` keys, refused for `admin` keys (the use case says which). */
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class ListApiKeysQueryDto {
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @IsPageCursor()
  cursor?: string;

  @IsPageLimit(1000)
  limit?: number;
}
