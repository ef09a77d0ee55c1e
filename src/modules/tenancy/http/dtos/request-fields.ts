import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsNotBlank, Stacked } from '../../../../shared/http/request-validation';

/** The name of a tenant, site, internal group or SCIM token: 1 to 200 characters, one of them visible. */
export const IsName = () => Stacked(IsString(), Length(1, 200), IsNotBlank());

/** `?cursor=` of a listing: absent, or the `next` of the previous page. */
export const IsPageCursor = () => Stacked(IsOptional(), IsString(), MaxLength(1000));
