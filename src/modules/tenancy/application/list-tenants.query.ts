import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { toTenantView, type TenantView } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** `{items, nextCursor}` by name; `q` matches any part of the name, case-insensitively; only `onlyTenantId` when set (a tenant key). */
@Injectable()
export class ListTenantsQuery {
  constructor(private readonly tenants: TenantRepository) {}

  async execute(
    q: string | undefined,
    cursor: string | undefined,
    limit: number,
    onlyTenantId: string | null = null,
  ): Promise<{ items: TenantView[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await this.tenants.search(q?.trim() || undefined, after, limit, onlyTenantId);
    const last = rows.at(-1);
    return {
      items: rows.map(toTenantView),
      nextCursor:
        rows.length === limit && last
          ? Buffer.from(JSON.stringify([last.name.toLowerCase(), last.id])).toString('base64url')
          : null,
    };
  }
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && isUuid(String(parsed[1]))) {
      return { name: parsed[0], id: String(parsed[1]) };
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw new TenancyError(TenancyErrorCode.INVALID_CURSOR, 'cursor is not one this API returned');
}
