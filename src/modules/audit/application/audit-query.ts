import { AuditError, AuditErrorCode } from '../public/audit.errors';
import type { AuditFilter } from '../infrastructure/audit-entry.repository';

/** Query parameters shared by the list, export and verify endpoints (already syntax-checked by the DTOs). */
export interface AuditQueryInput {
  tenantId?: string;
  from?: string;
  to?: string;
  action?: string;
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
  return { tenantId: input.tenantId, from, to, action: input.action };
}

/** Opaque page cursors: the sequence of the last entry returned. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`audit:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^audit:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new AuditError(AuditErrorCode.INVALID_CURSOR, 'cursor is not one this API returned', [
      { field: 'cursor', problem: 'cursor must be a nextCursor value returned by this endpoint' },
    ]);
  }
  return Number(m[1]);
}
