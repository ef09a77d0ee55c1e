import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class CreateTenantRequestDto {
  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  ssoDomains?: string[];
}

export class UpdateTenantRequestDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  ssoDomains?: string[];
}

export class CreateScimConnectionRequestDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class IssueScimTokenRequestDto {
  @IsString()
  @Length(1, 200)
  name: string;
}
