import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

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

// eslint-disable-next-line no-control-regex -- control characters are exactly what a filter value may not hold
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;
const textFilter = (field: string, max: number) => `${field} must be 1 to ${max} characters without control characters`;

export class AuditEventsFilterQueryDto extends AuditTimeRangeQueryDto {
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;

  /** An exact action (`scim_user.deactivated`) or every verb of a resource (`scim_user.*`). */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]*\.([a-z][a-z0-9_]*|\*)$/, { message: 'action must be resource.verb or resource.*' })
  action?: string;

  /** An email or userName; matches the entry's subject case-insensitively. */
  @IsOptional()
  @IsString({ message: textFilter('subject', 320) })
  @Length(1, 320, { message: textFilter('subject', 320) })
  @Matches(PRINTABLE, { message: textFilter('subject', 320) })
  subject?: string;

  /** The target's id, exactly (a staged user id, a membership id, a connection id …). */
  @IsOptional()
  @IsString({ message: textFilter('targetId', 256) })
  @Length(1, 256, { message: textFilter('targetId', 256) })
  @Matches(PRINTABLE, { message: textFilter('targetId', 256) })
  targetId?: string;

  /** The API key that acted: an API key id, or `bootstrap` for ADMIN_TOKEN. */
  @IsOptional()
  @Matches(/^(bootstrap|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, {
    message: 'actorKeyId must be an API key id (a UUID) or bootstrap',
  })
  actorKeyId?: string;

  /** The request's x-request-id (or the id a job or sync run carried). */
  @IsOptional()
  @IsString({ message: textFilter('correlationId', 128) })
  @Length(1, 128, { message: textFilter('correlationId', 128) })
  @Matches(PRINTABLE, { message: textFilter('correlationId', 128) })
  correlationId?: string;
}

export class ListAuditEventsQueryDto extends AuditEventsFilterQueryDto {
  /** Oldest first (chain order) or newest first; newest first by default with `subject`. */
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';

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

export class VerifyAuditChainQueryDto extends AuditTimeRangeQueryDto {
  /** A kept receipt's `sequence` (with `expectHash`): the chain must still reach that head. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'expectSequence must be an integer ≥ 0' })
  @Min(0, { message: 'expectSequence must be an integer ≥ 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'expectSequence must be an integer ≥ 0' })
  expectSequence?: number;

  /** A kept receipt's `hash`: 64 hex digits. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'expectHash must be 64 hex digits (a receipt hash)' })
  expectHash?: string;
}
