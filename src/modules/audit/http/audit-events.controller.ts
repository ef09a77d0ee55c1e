import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ExportAuditTrailUseCase } from '../application/export-audit-trail.use-case';
import { ListAuditEntriesUseCase } from '../application/list-audit-entries.use-case';
import { VerifyAuditChainUseCase } from '../application/verify-audit-chain.use-case';
import {
  ExportAuditEventsQueryDto,
  ListAuditEventsQueryDto,
  VerifyAuditChainQueryDto,
} from './dtos/audit-events.request.dto';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';

const DEFAULT_PAGE_SIZE = 100;

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
  ) {}

  /** `{items, nextCursor}` in chain order (oldest first). */
  @Get()
  page(@Query() q: ListAuditEventsQueryDto) {
    return this.list.execute({
      tenantId: q.tenantId,
      from: q.from,
      to: q.to,
      action: q.action,
      cursor: q.cursor,
      limit: q.limit ?? DEFAULT_PAGE_SIZE,
    });
  }

  /** A streamed download; the reply is written here (not by Nest) so the body can be a Readable with backpressure. */
  @Get('export')
  async export(@Query() q: ExportAuditEventsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.exportTrail.execute({
      tenantId: q.tenantId,
      from: q.from,
      to: q.to,
      format: q.format ?? 'csv',
    });
    void reply
      .status(200)
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.stream);
  }

  /** `{ok: true, checked}` or `{ok: false, checked, firstBrokenId, reason}`. The chain is one for all tenants. */
  @Get('verify')
  @TenantFrom({ from: 'principal' })
  verify(@Query() q: VerifyAuditChainQueryDto) {
    return this.verifyChain.execute({ from: q.from, to: q.to });
  }
}
