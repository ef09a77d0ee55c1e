import { Injectable } from '@nestjs/common';
import { AuditEntryRepository, type AuditOrder } from '../infrastructure/audit-entry.repository';
import { decodeCursor, encodeCursor, toAuditFilter, type AuditQueryInput } from './audit-query-common';

/** An entry as the admin API shows it (built in SQL, see ENTRY_JSON in the repository). */
export interface AuditEntryView {
  id: string;
  sequence: number;
  occurredAt: string;
  tenantId: string | null;
  actor:
    | { type: 'scim'; connectionId: string; tokenId: string }
    | { type: 'admin'; keyId?: string; keyName?: string; scope?: string }
    | { type: 'system' };
  action: string;
  target: { type: string; id: string } | null;
  targetLabel: string | null;
  subject: { userName: string | null; email: string | null; accountId: string | null } | null;
  summary: string;
  details: Record<string, unknown>;
  correlationId: string | null;
  sourceIp: string | null;
  eventId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  items: AuditEntryView[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One page of the trail, oldest or newest first, keyset-paged on the sequence. */
@Injectable()
export class ListAuditEntriesUseCase {
  constructor(private readonly entries: AuditEntryRepository) {}

  async execute(input: AuditQueryInput & { cursor?: string; limit: number; order?: AuditOrder }): Promise<AuditPage> {
    const filter = toAuditFilter(input);
    // A reviewer searching for a person wants the latest facts first.
    const order = input.order ?? (filter.subject ? 'desc' : 'asc');
    const cursor = decodeCursor(input.cursor, order);
    const rows = await this.entries.page(filter, cursor, input.limit + 1, order);
    const more = rows.length > input.limit;
    const page = more ? rows.slice(0, input.limit) : rows;
    return {
      items: page.map((r) => r.item as unknown as AuditEntryView),
      nextCursor: more ? encodeCursor(page[page.length - 1].seq, order) : null,
    };
  }
}
