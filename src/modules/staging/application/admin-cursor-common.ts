import type { AdminKeyset, AdminPage } from '../infrastructure/staged-admin.repository';
import { StagingError, StagingErrorCode } from '../public/staging.errors';
import type { StagedAdminPage } from '../public/staging.types';

/** A full page may have a successor: its cursor is the last row's exact keyset position. */
export function withNextCursor<T>(page: AdminPage<T>, limit: number): StagedAdminPage<T> {
  return { items: page.items, nextCursor: page.items.length === limit && page.last ? encodeCursor(page.last) : null };
}

function encodeCursor(keyset: AdminKeyset): string {
  return Buffer.from(JSON.stringify([keyset.createdAt, keyset.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): AdminKeyset | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      !Number.isNaN(Date.parse(createdAt)) &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    /* fall through */
  }
  throw new StagingError(StagingErrorCode.INVALID_CURSOR, 'invalid cursor');
}
