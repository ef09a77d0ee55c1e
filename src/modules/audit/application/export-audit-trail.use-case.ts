import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { csvRecord } from '../domain/csv';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import { CSV_COLUMNS } from '../infrastructure/audit-export.encoders';
import { toAuditFilter, type AuditQueryInput } from './audit-query';

export type AuditExportFormat = 'csv' | 'ndjson';

export interface AuditExport {
  readonly stream: Readable;
  readonly contentType: string;
  readonly filename: string;
}

const CONTENT_TYPE: Record<AuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/**
 * Streams the trail as CSV (RFC 4180, formula cells neutralised — see domain/csv.ts) or NDJSON
 * (one API entry per line), in chain order. Memory stays flat however large the trail: the bytes
 * come from PostgreSQL as a COPY stream with backpressure (a slow client slows PostgreSQL down,
 * it does not fill the heap) — see AuditEntryRepository.exportStream.
 */
@Injectable()
export class ExportAuditTrailUseCase {
  private readonly logger = new Logger(ExportAuditTrailUseCase.name);

  constructor(private readonly entries: AuditEntryRepository) {}

  async execute(input: AuditQueryInput & { format: AuditExportFormat }, now = new Date()): Promise<AuditExport> {
    const filter = toAuditFilter(input);
    const header = input.format === 'csv' ? Buffer.from(csvRecord(CSV_COLUMNS), 'utf8') : undefined;
    const stream = await this.entries.exportStream(input.format, filter, header);
    stream.once('error', (err) => this.logger.error(`audit export failed: ${err.message}`));
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return {
      stream,
      contentType: CONTENT_TYPE[input.format],
      filename: `audit-events-${input.tenantId ?? 'all'}-${stamp}.${input.format}`,
    };
  }
}
