import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { RequestContext } from '../../../shared/context/request-context';
import { auditChanges } from '../../audit/public';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { GroupMappingsReplacedEvent } from '../public/events/group-mappings-replaced.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { ruleKey, toMappingView, type GroupMappingInput, type GroupMappingView } from './directory-common';
import { liveConnectionOrThrow } from './scim-connection-common';
import { isUuid } from '../../../shared/domain/uuid';

/**
 * Replaces the connection's mapping rules. Each rule names its SCIM group by exactly one of
 * displayName (matched case-insensitively) or externalId; duplicates collapse.
 */
@Injectable()
export class ReplaceGroupMappingsUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly events: EventBus,
  ) {}

  async execute(connectionId: string, input: readonly GroupMappingInput[]): Promise<GroupMappingView[]> {
    const c = await liveConnectionOrThrow(this.connections, connectionId);
    const problems: Array<{ field: string; problem: string }> = [];
    const rules = new Map<string, { displayName: string | null; externalId: string | null; internalGroupId: string }>();
    input.forEach((m, i) => {
      const displayName = m.scimGroup?.displayName?.trim() || null;
      const externalId = m.scimGroup?.externalId?.trim() || null;
      if ((displayName === null) === (externalId === null)) {
        problems.push({ field: `mappings.${i}.scimGroup`, problem: 'give exactly one of displayName or externalId' });
        return;
      }
      const internalGroupId = m.internalGroupId.toLowerCase();
      const key = ruleKey(displayName, externalId, internalGroupId);
      if (!rules.has(key)) rules.set(key, { displayName, externalId, internalGroupId });
    });
    return this.tx.run(async () => {
      const wanted = [...new Set([...rules.values()].map((r) => r.internalGroupId))];
      const existing = await this.repo.existingGroupIds(c.tenantId, wanted.filter(isUuid));
      input.forEach((m, i) => {
        if (!existing.has(m.internalGroupId.toLowerCase())) {
          problems.push({
            field: `mappings.${i}.internalGroupId`,
            problem: "is not an internal group of the connection's tenant",
          });
        }
      });
      if (problems.length > 0)
        throw new TenancyError(TenancyErrorCode.INVALID_MAPPING, 'mappings are invalid', problems);
      // Serialise concurrent replacements of one connection's rules.
      await this.connections.findLiveForUpdate(c.id);
      const before = await this.repo.listMappings(c.tenantId, c.id);
      const removed = before
        .filter((m) => !rules.has(ruleKey(m.scim_group_display_name, m.scim_group_external_id, m.internal_group_id)))
        .map((m) => ({
          scimGroupDisplayName: m.scim_group_display_name,
          scimGroupExternalId: m.scim_group_external_id,
          internalGroupId: m.internal_group_id,
        }));
      // The caller is recorded on each rule it adds: the grants the rule leads to name it.
      await this.repo.replaceMappings(c.tenantId, c.id, [...rules.values()], RequestContext.current()?.actor ?? null);
      const after = await this.repo.listMappings(c.tenantId, c.id);
      const named = (rows: typeof after) =>
        rows.map((m) => ({
          scimGroupDisplayName: m.scim_group_display_name,
          scimGroupExternalId: m.scim_group_external_id,
          internalGroupId: m.internal_group_id,
          internalGroupName: m.internal_group_name,
        }));
      const changes = auditChanges([['mappings', named(before), named(after)]]);
      await this.events.publish(
        new GroupMappingsReplacedEvent(
          { connectionId: c.id, count: rules.size, removed, changes },
          { tenantId: c.tenantId },
        ),
      );
      return after.map(toMappingView);
    });
  }
}
