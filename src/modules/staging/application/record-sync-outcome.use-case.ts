import { Injectable } from '@nestjs/common';
import { StagedSyncRepository } from '../infrastructure/staged-sync.repository';
import type { SyncOutcomeRecord } from '../public/staging-sync.types';
import type { StagingScope } from '../public/staging.types';

@Injectable()
export class RecordSyncOutcomeUseCase {
  constructor(private readonly repo: StagedSyncRepository) {}

  /** `synced_at` / `sync_skip_reason` only: not an IdP change, so no version, ETag or event. */
  execute(scope: StagingScope, outcomes: readonly SyncOutcomeRecord[]): Promise<void> {
    return this.repo.recordOutcomes(scope, outcomes);
  }
}
