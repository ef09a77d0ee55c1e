import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { StagingFacade } from '../../staging/public';
import { GroupMappingMatcher, type ScimGroupName } from '../public/group-mapping-matcher';
import { MemberAccessRevokedEvent } from '../public/events/member-access-revoked.event';
import type { GroupMappingRule } from '../public/scim-members.types';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { ScimGroupAccessRepository } from '../infrastructure/scim-group-access.repository';

export interface RevokeScimGroupAccessInput {
  readonly tenantId: string;
  readonly connectionId: string;
  /**
   * What no longer gives access: a SCIM group under its former name, for the staged users that
   * held it; or mapping rules an admin removed, for every member of the connection.
   */
  readonly lost:
    | {
        readonly kind: 'scim_group';
        readonly stagedGroupId: string;
        readonly name: ScimGroupName;
        readonly stagedUserIds: readonly string[];
        readonly cause: 'members_removed' | 'group_deleted' | 'group_renamed';
      }
    | { readonly kind: 'mapping_rules'; readonly rules: readonly GroupMappingRule[] };
  /** The SCIM or admin request the loss came from, and the event that carried it. */
  readonly correlationId: string | null;
  readonly causationId: string;
}

const CAUSE = {
  members_removed: 'scim_group_members_removed',
  group_deleted: 'scim_group_deleted',
  group_renamed: 'scim_group_renamed',
} as const;

/**
 * Takes back at once the internal groups a lost SCIM group (or mapping rule) gave — the reducing
 * half of the two-step model; grants still wait for a sync run. Only SCIM-sourced rows of the
 * internal groups the lost group or rule mapped to, and only where nothing the member still holds
 * (its other live SCIM groups under the current rules) gives the same internal group. Manual rows
 * are never touched. Idempotent: the rows are deleted with RETURNING, so a second delivery finds
 * nothing left and records nothing.
 */
@Injectable()
export class RevokeScimGroupAccessUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly directory: InternalGroupRepository,
    private readonly access: ScimGroupAccessRepository,
    private readonly staging: StagingFacade,
    private readonly events: EventBus,
  ) {}

  /** Returns how many (member, internal group) rows were removed. */
  execute(input: RevokeScimGroupAccessInput): Promise<number> {
    const { tenantId, connectionId, lost } = input;
    return this.tx.run(async () => {
      const rules: GroupMappingRule[] = (await this.directory.listMappings(tenantId, connectionId)).map((m) => ({
        scimGroupDisplayName: m.scim_group_display_name,
        scimGroupExternalId: m.scim_group_external_id,
        internalGroupId: m.internal_group_id,
      }));
      const matcher = new GroupMappingMatcher(rules);
      const candidates =
        lost.kind === 'scim_group'
          ? matcher.match(lost.name)
          : [...new Set(lost.rules.map((r) => r.internalGroupId.toLowerCase()))];
      const holders = await this.access.findHolders(
        tenantId,
        connectionId,
        candidates,
        lost.kind === 'scim_group' ? lost.stagedUserIds : null,
      );
      if (holders.length === 0) return 0;
      const stillHeld = await this.staging.listGroupNamesOfUsers({ tenantId, connectionId }, [
        ...new Set(holders.map((h) => h.stagedUserId)),
      ]);
      const justified = new Map<string, Set<string>>();
      const drop = holders.filter((h) => {
        let groups = justified.get(h.stagedUserId);
        if (!groups) {
          groups = matcher.matchAll(stillHeld.get(h.stagedUserId) ?? []);
          justified.set(h.stagedUserId, groups);
        }
        return !groups.has(h.groupId);
      });
      const removed = await this.access.removeScimGroups(drop);
      if (removed.length === 0) return 0;
      const groups = await this.access.describeGroups(tenantId, [...new Set(removed.map((r) => r.groupId))]);
      const holderOf = new Map(drop.map((h) => [`${h.membershipId}/${h.groupId}`, h]));
      await this.events.publish(
        ...removed.map((r) => {
          const h = holderOf.get(`${r.membershipId}/${r.groupId}`)!;
          const g = groups.get(r.groupId) ?? { name: '', permissions: [], sites: [] };
          return new MemberAccessRevokedEvent(
            {
              accountId: h.accountId,
              membershipId: h.membershipId,
              email: h.email,
              connectionId,
              stagedUserId: h.stagedUserId,
              internalGroupId: r.groupId,
              internalGroupName: g.name,
              permissions: g.permissions,
              sites: g.sites,
              cause: lost.kind === 'scim_group' ? CAUSE[lost.cause] : 'group_mapping_removed',
              stagedGroupId: lost.kind === 'scim_group' ? lost.stagedGroupId : null,
              ...(lost.kind === 'scim_group'
                ? { scimGroup: { displayName: lost.name.displayName, externalId: lost.name.externalId ?? null } }
                : { rule: removedRule(lost.rules, r.groupId) }),
            },
            // Roster acted, on the IdP's (or admin's) request: actor system, correlated to that request.
            {
              tenantId,
              correlationId: input.correlationId,
              causationId: input.causationId,
              actor: { type: 'system' },
            },
          );
        }),
      );
      return removed.length;
    });
  }
}

/** The removed rule that gave `groupId` (the first, when several did). */
function removedRule(rules: readonly GroupMappingRule[], groupId: string) {
  const rule = rules.find((x) => x.internalGroupId.toLowerCase() === groupId) ?? rules[0];
  return {
    scimGroupDisplayName: rule?.scimGroupDisplayName ?? null,
    scimGroupExternalId: rule?.scimGroupExternalId ?? null,
  };
}
