import { Module } from '@nestjs/common';
import { EventRegistry } from '../../shared/events/event-registry';
import { ExportAuditTrailUseCase } from './application/export-audit-trail.use-case';
import { ListAuditEntriesUseCase } from './application/list-audit-entries.use-case';
import { PruneExpiredAuditEntriesUseCase } from './application/prune-expired-audit-entries.use-case';
import { RecordAuditEntryListener } from './application/record-audit-entry.listener';
import { RecordAuditEntryUseCase } from './application/record-audit-entry.use-case';
import { VerifyAuditChainUseCase } from './application/verify-audit-chain.use-case';
import { auditChainKeysProvider, auditConfigProvider } from './audit.config';
import { AuditHeadQuery } from './application/audit-head.query';
import { AuditEventsController } from './http/audit-events.controller';
import { AuditEntryRepository } from './infrastructure/audit-entry.repository';
import { PruneExpiredAuditEntriesJob } from './jobs/prune-expired-audit-entries.job';
import { AuditTrailPrunedEvent } from './public/events/audit-trail-pruned.event';

EventRegistry.register(AuditTrailPrunedEvent);

/** Append-only, hash-chained audit trail of domain events (schema `audit`). See README.md in this folder. */
@Module({
  controllers: [AuditEventsController],
  providers: [
    auditConfigProvider,
    auditChainKeysProvider,
    AuditHeadQuery,
    AuditEntryRepository,
    RecordAuditEntryUseCase,
    RecordAuditEntryListener,
    ListAuditEntriesUseCase,
    ExportAuditTrailUseCase,
    VerifyAuditChainUseCase,
    PruneExpiredAuditEntriesUseCase,
    PruneExpiredAuditEntriesJob,
  ],
})
export class AuditModule {}
