import { ArrayMaxSize, IsArray, IsString, Length, MaxLength } from 'class-validator';
import { IsNotBlank, IsOptionalNotNull } from '../../../../shared/http/request-validation';

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
