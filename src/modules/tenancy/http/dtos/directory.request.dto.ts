import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull, IsPageLimit, Stacked } from '../../../../shared/http/request-validation';
import { IsName, IsPageCursor } from './request-fields';

/** An internal group's permissions: optional, but up to 500 non-empty strings when given. */
const IsPermissions = () =>
  Stacked(IsOptionalNotNull(), IsArray(), ArrayMaxSize(500), IsString({ each: true }), Length(1, 200, { each: true }));

/** An internal group's sites: optional, but up to 1000 site ids when given. */
const IsSiteIds = () => Stacked(IsOptionalNotNull(), IsArray(), ArrayMaxSize(1000), IsUUID('all', { each: true }));

export class AddMemberRequestDto {
  @IsString()
  @Length(3, 254)
  email: string;
}

export class ListMembersQueryDto {
  @IsPageCursor()
  cursor?: string;

  @IsPageLimit(5000)
  limit?: number;

  @IsOptional()
  @IsIn(['active', 'revoked'])
  status?: 'active' | 'revoked';
}

export class CreateSiteRequestDto {
  @IsName()
  name: string;
}

export class UpdateSiteRequestDto {
  @IsOptionalNotNull()
  @IsName()
  name?: string;
}

export class CreateInternalGroupRequestDto {
  @IsName()
  name: string;

  @IsPermissions()
  permissions?: string[];

  @IsSiteIds()
  siteIds?: string[];
}

export class UpdateInternalGroupRequestDto {
  @IsOptionalNotNull()
  @IsName()
  name?: string;

  @IsPermissions()
  permissions?: string[];

  @IsSiteIds()
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
