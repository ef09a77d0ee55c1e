import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditHeadQuery } from '../application/audit-head.query';
import { ExportAuditTrailUseCase } from '../application/export-audit-trail.use-case';
import { ListAuditEntriesUseCase } from '../application/list-audit-entries.use-case';
import { VerifyAuditChainUseCase } from '../application/verify-audit-chain.use-case';
import type { AuditQueryInput } from '../application/audit-query-common';
import {
  AuditEventsFilterQueryDto,
  ExportAuditEventsQueryDto,
  ListAuditEventsQueryDto,
  VerifyAuditChainQueryDto,
} from './dtos/audit-events.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

const DEFAULT_PAGE_SIZE = 100;

const filterOf = (q: AuditEventsFilterQueryDto): AuditQueryInput => ({
  tenantId: q.tenantId,
  from: q.from,
  to: q.to,
  action: q.action,
  subject: q.subject,
  targetId: q.targetId,
  actorKeyId: q.actorKeyId,
  correlationId: q.correlationId,
});

/** Admin API: the audit trail; a tenant key sees its own tenant's entries. */
@Controller('admin/v1/audit-events')
@ValidateRequests()
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'query', name: 'tenantId' })
export class AuditEventsController {
  constructor(
    private readonly list: ListAuditEntriesUseCase,
    private readonly exportTrail: ExportAuditTrailUseCase,
    private readonly verifyChain: VerifyAuditChainUseCase,
    private readonly headQuery: AuditHeadQuery,
  ) {}

  /** `{items, nextCursor}` in chain order (oldest first), or newest first (`order=desc`, the default with `subject`). */
  @Get()
  page(@Query() q: ListAuditEventsQueryDto) {
    return this.list.execute({ ...filterOf(q), order: q.order, cursor: q.cursor, limit: q.limit ?? DEFAULT_PAGE_SIZE });
  }

  /**
   * A streamed download; the reply is written here (not by Nest) so the body can be a Readable with
   * backpressure. The `x-audit-head-*` headers are the signed head the export covers (NDJSON repeats
   * it as its last line).
   */
  @Get('export')
  async export(@Query() q: ExportAuditEventsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.exportTrail.execute({ ...filterOf(q), format: q.format ?? 'csv' });
    const { receipt } = file;
    void reply
      .status(200)
      .header('x-audit-head-sequence', String(receipt.sequence))
      .header('x-audit-head-hash', receipt.hash)
      .header('x-audit-head-at', receipt.at)
      .header('x-audit-head-algorithm', receipt.algorithm)
      .header('x-audit-head-signature', receipt.signature)
      .header('x-audit-head-public-key', receipt.publicKey)
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.stream);
  }

  /**
   * `{ok: true, checked}` or `{ok: false, checked, firstBrokenId, reason}`; with `expectSequence` and
   * `expectHash` (a kept receipt) the chain must also still reach that head. The chain is one for all tenants.
   */
  @Get('verify')
  @TenantFrom({ from: 'principal' })
  verify(@Query() q: VerifyAuditChainQueryDto) {
    return this.verifyChain.execute({
      from: q.from,
      to: q.to,
      expectSequence: q.expectSequence,
      expectHash: q.expectHash,
    });
  }

  /** `{sequence, hash, at, algorithm, signature, publicKey}`: a signed receipt of the chain's head now. */
  @Get('head')
  @TenantFrom({ from: 'principal' })
  head() {
    return this.headQuery.execute();
  }
}
