import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

// A date (midnight UTC) or a date-time WITH a zone: a zone-less time would depend on the server's TZ.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?))?$/;
const ISO_MESSAGE = (field: string) =>
  `${field} must be an ISO-8601 date or date-time with a zone (2025-01-31 or 2025-01-31T12:00:00Z)`;

/** `from` (inclusive) and `to` (exclusive) on the entries' occurredAt. */
export class AuditTimeRangeQueryDto {
  @IsOptional()
  @Matches(ISO_WITH_ZONE, { message: ISO_MESSAGE('from') })
  @IsISO8601({ strict: true }, { message: ISO_MESSAGE('from') })
  from?: string;

  @IsOptional()
  @Matches(ISO_WITH_ZONE, { message: ISO_MESSAGE('to') })
  @IsISO8601({ strict: true }, { message: ISO_MESSAGE('to') })
  to?: string;
}

export class AuditEventsFilterQueryDto extends AuditTimeRangeQueryDto {
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}

export class ListAuditEventsQueryDto extends AuditEventsFilterQueryDto {
  /** An exact action (`scim_user.deactivated`) or every verb of a resource (`scim_user.*`). */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]*\.([a-z][a-z0-9_]*|\*)$/, { message: 'action must be resource.verb or resource.*' })
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 1000' })
  @Min(1, { message: 'limit must be an integer between 1 and 1000' })
  @Max(1000, { message: 'limit must be an integer between 1 and 1000' })
  limit?: number;
}

export class ExportAuditEventsQueryDto extends AuditEventsFilterQueryDto {
  @IsOptional()
  @IsIn(['csv', 'ndjson'], { message: 'format must be csv or ndjson' })
  format?: 'csv' | 'ndjson';
}

export class VerifyAuditChainQueryDto extends AuditTimeRangeQueryDto {}
