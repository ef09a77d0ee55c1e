import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from '../infrastructure/api-key.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { toApiKeyView, type ApiKeyView } from './api-key-common';
import { isUuid } from '../../../shared/domain/uuid';

function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && isUuid(String(v[1])))
      return { createdAt: v[0], id: String(v[1]) };
  } catch {
    /* fall through */
  }
  throw new TenancyError(TenancyErrorCode.INVALID_CURSOR, 'invalid cursor');
}

@Injectable()
export class ListApiKeysQuery {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Live keys, oldest first; one tenant's when `tenantId` is given. */
  async execute(q: { tenantId?: string; cursor?: string; limit: number }): Promise<{
    items: ApiKeyView[];
    nextCursor: string | null;
  }> {
    if (q.tenantId !== undefined && !isUuid(q.tenantId)) return { items: [], nextCursor: null };
    const rows = await this.keys.listActive(q.tenantId?.toLowerCase(), decodeCursor(q.cursor), q.limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toApiKeyView),
      nextCursor:
        rows.length === q.limit
          ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
          : null,
    };
  }
}
