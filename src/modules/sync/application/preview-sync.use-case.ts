import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { StagingFacade, type SyncUserPage } from '../../staging/public';
import { SyncError, SyncErrorCode } from '../public/sync.errors';
import type { SyncSkipReason } from '../public/sync.types';
import { ProcessSyncBatchUseCase } from './process-sync-batch.use-case';
import { LoadSyncContextUseCase } from './load-sync-context.use-case';

export interface SyncPreview {
  connectionId: string;
  /** A preview always evaluates every staged user of the connection (what a full run would do now). */
  mode: 'full';
  generatedAt: string;
  counts: { provision: number; update: number; deprovision: number; skip: number; unchanged: number };
  provision: Array<{
    stagedUserId: string;
    userName: string;
    email: string;
    accountId: string | null;
    reactivated: boolean;
    internalGroupIds: string[];
  }>;
  update: Array<{ stagedUserId: string; userName: string; accountId: string | null; changes: string[] }>;
  deprovision: Array<{
    stagedUserId: string;
    userName: string;
    accountId: string | null;
    reason: 'inactive' | 'deleted';
  }>;
  skip: Array<{ stagedUserId: string; userName: string; reason: SyncSkipReason }>;
  /** True when a list was cut at `limit` items (counts stay exact). */
  truncated: boolean;
}

/** What a run would do now — the same decisions through Tenancy's read-only plan. Writes nothing. */
@Injectable()
export class PreviewSyncUseCase {
  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly contexts: LoadSyncContextUseCase,
    private readonly processor: ProcessSyncBatchUseCase,
    private readonly staging: StagingFacade,
  ) {}

  async execute(connectionId: string, limit: number): Promise<SyncPreview> {
    const ctx = await this.contexts.load(connectionId);
    if (!ctx) throw new SyncError(SyncErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
    const preview: SyncPreview = {
      connectionId: ctx.scope.connectionId,
      mode: 'full',
      generatedAt: new Date().toISOString(),
      counts: { provision: 0, update: 0, deprovision: 0, skip: 0, unchanged: 0 },
      provision: [],
      update: [],
      deprovision: [],
      skip: [],
      truncated: false,
    };
    const push = <T>(list: T[], item: T) => {
      if (list.length < limit) list.push(item);
      else preview.truncated = true;
    };
    let cursor: string | null = null;
    do {
      const page: SyncUserPage = await this.staging.listUsersForSync(ctx.scope, {
        kind: 'all',
        cursor,
        limit: this.env.SYNC_BATCH_SIZE,
      });
      cursor = page.nextCursor;
      if (page.items.length === 0) continue;
      const { outcomes } = await this.processor.process(ctx, page.items, { runId: null, mode: 'full', apply: false });
      for (const o of outcomes) {
        const base = { stagedUserId: o.user.id, userName: o.user.userName };
        switch (o.kind) {
          case 'provisioned':
            preview.counts.provision++;
            push(preview.provision, {
              ...base,
              email: o.desired?.state === 'member' ? o.desired.email : '',
              accountId: o.accountId ?? null,
              reactivated: o.reactivated === true,
              internalGroupIds: o.desired?.state === 'member' ? [...o.desired.internalGroupIds] : [],
            });
            break;
          case 'updated':
            preview.counts.update++;
            push(preview.update, { ...base, accountId: o.accountId ?? null, changes: [...(o.changes ?? [])] });
            break;
          case 'deprovisioned':
            preview.counts.deprovision++;
            push(preview.deprovision, {
              ...base,
              accountId: o.accountId ?? null,
              reason: o.reason === 'deleted' ? 'deleted' : 'inactive',
            });
            break;
          case 'skipped':
            preview.counts.skip++;
            push(preview.skip, { ...base, reason: o.reason! });
            break;
          case 'unchanged':
            preview.counts.unchanged++;
            break;
          case 'ignored':
            break;
        }
      }
    } while (cursor);
    return preview;
  }
}
