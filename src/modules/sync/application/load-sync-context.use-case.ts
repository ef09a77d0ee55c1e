import { Injectable } from '@nestjs/common';
import { StagingFacade, type SyncStagedGroup } from '../../staging/public';
import { TenancyFacade, type ScimMemberScope } from '../../tenancy/public';
import { GroupMapper } from '../domain/sync-decision';
import { contextHash } from '../domain/sync-run';

/** Everything a run decides with besides the staged users themselves, loaded once per run. */
export interface SyncContext {
  readonly scope: ScimMemberScope;
  readonly ssoDomains: ReadonlySet<string>;
  readonly mapper: GroupMapper;
  readonly groups: readonly SyncStagedGroup[];
  readonly mappingCount: number;
  readonly hash: string;
}

@Injectable()
export class LoadSyncContextUseCase {
  constructor(
    private readonly tenancy: TenancyFacade,
    private readonly staging: StagingFacade,
  ) {}

  /** Null when the connection is not live. */
  async load(connectionId: string): Promise<SyncContext | null> {
    const ctx = await this.tenancy.getSyncContext(connectionId);
    if (!ctx) return null;
    const scope = { tenantId: ctx.tenantId, connectionId: ctx.connectionId };
    const groups = await this.staging.listGroupsForSync(scope);
    return {
      scope,
      ssoDomains: new Set(ctx.ssoDomains),
      mapper: new GroupMapper(ctx.mappings, groups),
      groups,
      mappingCount: ctx.mappings.length,
      hash: contextHash(ctx),
    };
  }
}
