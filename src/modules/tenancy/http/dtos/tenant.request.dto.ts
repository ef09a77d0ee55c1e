import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PRINCIPAL_SCOPES, type PrincipalScope } from '../../../../shared/domain/principal';
import { IsNotBlank, IsOptionalNotNull } from '../../../../shared/http/request-validation';

export class ListTenantsQueryDto {
  /** Part of the name, any case. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class CreateTenantRequestDto {
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  ssoDomains?: string[];
}

export class UpdateTenantRequestDto {
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  ssoDomains?: string[];
}

export class CreateScimConnectionRequestDto {
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class IssueScimTokenRequestDto {
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;
}

export class CreateApiKeyRequestDto {
  @IsString()
  @Length(1, 200)
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

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
