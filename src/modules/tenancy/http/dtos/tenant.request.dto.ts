import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
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
