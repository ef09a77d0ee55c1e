import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsNotBlank, IsOptionalNotNull } from '../../../../shared/http/request-validation';

export class AddMemberRequestDto {
  @IsString()
  @Length(3, 254)
  email: string;
}

export class ListMembersQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;

  @IsOptional()
  @IsIn(['active', 'revoked'])
  status?: 'active' | 'revoked';
}

export class CreateSiteRequestDto {
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;
}

export class UpdateSiteRequestDto {
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;
}

export class CreateInternalGroupRequestDto {
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name: string;

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  permissions?: string[];

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  siteIds?: string[];
}

export class UpdateInternalGroupRequestDto {
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  permissions?: string[];

  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  siteIds?: string[];
}

export class ScimGroupRefDto {
  @IsOptional()
  @IsString()
  @Length(1, 256)
  displayName?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  externalId?: string;
}

export class GroupMappingDto {
  @IsObject()
  @ValidateNested()
  @Type(() => ScimGroupRefDto)
  scimGroup: ScimGroupRefDto;

  @IsUUID('all')
  internalGroupId: string;
}

export class ReplaceGroupMappingsRequestDto {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => GroupMappingDto)
  mappings: GroupMappingDto[];
}
