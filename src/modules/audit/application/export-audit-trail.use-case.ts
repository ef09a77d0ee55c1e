import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import type { AuditReceipt } from '../domain/audit-chain-keys';
import { csvRecord } from '../domain/csv';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import { CSV_COLUMNS } from '../infrastructure/audit-export.encoders';
import { AuditHeadQuery } from './audit-head.query';
import { toAuditFilter, type AuditQueryInput } from './audit-query-common';

export type AuditExportFormat = 'csv' | 'ndjson';

export interface AuditExport {
  readonly stream: Readable;
  readonly contentType: string;
  readonly filename: string;
  /** The signed chain head the export covers: it holds the matching entries up to `receipt.sequence`. */
  readonly receipt: AuditReceipt;
}

const CONTENT_TYPE: Record<AuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/**
 * Streams the trail as CSV (RFC 4180, formula cells neutralised — see domain/csv.ts) or NDJSON
 * (one API entry per line, then a `{"type":"head", …}` receipt line), in chain order, up to the
 * chain head read when it starts — the head whose signed receipt the export carries. Memory stays flat however large the trail: the bytes
 * come from PostgreSQL as a COPY stream with backpressure (a slow client slows PostgreSQL down,
 * it does not fill the heap) — see AuditEntryRepository.exportStream.
 */
@Injectable()
export class ExportAuditTrailUseCase {
  private readonly logger = new Logger(ExportAuditTrailUseCase.name);

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly head: AuditHeadQuery,
  ) {}

  async execute(input: AuditQueryInput & { format: AuditExportFormat }, now = new Date()): Promise<AuditExport> {
    const filter = toAuditFilter(input);
    // Appends commit in sequence order under the chain lock, so every entry up to this head is
    // already visible to the COPY's later snapshot.
    const receipt = await this.head.execute(now);
    const framing =
      input.format === 'csv'
        ? { prefix: Buffer.from(csvRecord(CSV_COLUMNS), 'utf8') }
        : { suffix: Buffer.from(`${JSON.stringify({ type: 'head', ...receipt })}\n`, 'utf8') };
    const stream = await this.entries.exportStream(input.format, filter, receipt.sequence, framing);
    stream.once('error', (err) => this.logger.error(`audit export failed: ${err.message}`));
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return {
      stream,
      contentType: CONTENT_TYPE[input.format],
      filename: `audit-events-${input.tenantId ?? 'all'}-${stamp}.${input.format}`,
      receipt,
    };
  }
}
