import { AuditError, AuditErrorCode } from '../public/audit.errors';
import type { AuditFilter, AuditOrder } from '../infrastructure/audit-entry.repository';

/** Query parameters shared by the list, export and verify endpoints (already syntax-checked by the DTOs). */
export interface AuditQueryInput {
  tenantId?: string;
  from?: string;
  to?: string;
  action?: string;
  subject?: string;
  targetId?: string;
  actorKeyId?: string;
  correlationId?: string;
}

/** The filter of a query; refuses an empty or inverted time window. */
export function toAuditFilter(input: AuditQueryInput): AuditFilter {
  const from = input.from === undefined ? undefined : new Date(input.from);
  const to = input.to === undefined ? undefined : new Date(input.to);
  if (from && to && from.getTime() >= to.getTime()) {
    throw new AuditError(AuditErrorCode.INVALID_RANGE, '`to` must be later than `from`', [
      { field: 'to', problem: 'to must be later than from (from is inclusive, to is exclusive)' },
    ]);
  }
  return {
    tenantId: input.tenantId,
    from,
    to,
    action: input.action,
    subject: input.subject,
    targetId: input.targetId,
    actorKeyId: input.actorKeyId,
    correlationId: input.correlationId,
  };
}

/** Opaque page cursors: the sequence of the last entry returned, and the order it was returned in. */
export function encodeCursor(seq: number, order: AuditOrder): string {
  return Buffer.from(order === 'asc' ? `audit:${seq}` : `audit:desc:${seq}`).toString('base64url');
}

/** The sequence a cursor continues from (null: the first page); a cursor of the other order is refused. */
export function decodeCursor(cursor: string | undefined, order: AuditOrder): number | null {
  if (cursor === undefined || cursor === '') return null;
  const m = /^audit:(desc:)?(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new AuditError(AuditErrorCode.INVALID_CURSOR, 'cursor is not one this API returned', [
      { field: 'cursor', problem: 'cursor must be a nextCursor value returned by this endpoint' },
    ]);
  }
  if ((m[1] === 'desc:') !== (order === 'desc')) {
    throw new AuditError(AuditErrorCode.INVALID_CURSOR, 'cursor belongs to the other order', [
      { field: 'cursor', problem: `cursor was returned for order=${m[1] ? 'desc' : 'asc'}; pass the same order` },
    ]);
  }
  return Number(m[2]);
}
