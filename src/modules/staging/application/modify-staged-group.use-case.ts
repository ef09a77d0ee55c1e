import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { EventBus } from '../../../shared/events/event-bus';
import { diffForAudit } from '../../audit/public';
import { StagedGroupRepository, type RemovedMember } from '../infrastructure/staged-group.repository';
import { StagedGroupUpdatedEvent } from '../public/events/staged-group-updated.event';
import type { StagedGroupChange, StagedGroupRecord, StagingScope } from '../public/staging.types';
import { addMembers, membersLeftEvents, membershipEvent } from './staged-group-common';
import { eventMeta, lockForWrite, referencesIgnoredEvent } from './staging-common';

@Injectable()
export class ModifyStagedGroupUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly groups: StagedGroupRepository,
    private readonly events: EventBus,
  ) {}

  execute(
    scope: StagingScope,
    id: string,
    mutate: (current: StagedGroupRecord) => StagedGroupChange,
    expectedVersion?: number,
  ): Promise<StagedGroupRecord> {
    return this.tx.run(async () => {
      const locked = await lockForWrite(this.groups, 'group', scope, id, expectedVersion);
      const { input, changedAttributes, members } = mutate(locked);
      const events: DomainEvent<object>[] = [];
      let removed: RemovedMember[];
      let adding: { added: string[]; ignored: string[] };
      if (members.replaceAll) {
        const keep = members.replaceAll.map((m) => m.value);
        removed = await this.groups.removeMembersExcept(id, keep);
        adding = await addMembers(this.groups, scope, id, members.replaceAll);
      } else {
        removed = await this.groups.removeMembers(id, members.remove);
        adding = await addMembers(this.groups, scope, id, members.add);
      }
      const added = adding.added;
      const ignored = referencesIgnoredEvent(scope, 'Group', id, 'members', adding.ignored);
      if (ignored) events.push(ignored);
      const renamed = input.displayName !== locked.displayName || input.externalId !== locked.externalId;
      const attributesChanged = changedAttributes.length > 0 || renamed;
      const membersChanged = added.length > 0 || removed.length > 0;
      if (!attributesChanged && !membersChanged) {
        await this.events.publish(...events); // only the ignored-references event, if any
        return locked;
      }
      if (attributesChanged) {
        // Members are the membership event's; the rest as old and new values.
        const { changes, omitted } = diffForAudit(
          { displayName: locked.displayName, externalId: locked.externalId, ...locked.resource },
          { displayName: input.displayName, externalId: input.externalId, ...input.resource },
          ['members'],
        );
        events.push(
          new StagedGroupUpdatedEvent(
            {
              connectionId: scope.connectionId,
              stagedGroupId: id,
              externalId: input.externalId,
              displayName: input.displayName,
              changedAttributes,
              changes,
              ...(omitted > 0 ? { changesOmitted: omitted } : {}),
            },
            eventMeta(scope),
          ),
        );
      }
      if (membersChanged)
        events.push(
          membershipEvent(
            scope,
            id,
            added,
            removed.map((m) => m.id),
            !!members.replaceAll,
          ),
        );
      // Who no longer holds the group under its old name: the removed users, and on a rename every
      // member that held it before (not those this change added).
      const readded = new Set(added);
      let left = removed.filter((m) => m.type === 'User' && !readded.has(m.id)).map((m) => m.id);
      if (renamed) {
        await this.groups.recordFormerName(scope, locked);
        const before = new Set(removed.map((m) => m.id));
        const fresh = new Set(added.filter((m) => !before.has(m)));
        left = [...left, ...(await this.groups.userMemberIds(id)).filter((m) => !fresh.has(m))];
      }
      events.push(...membersLeftEvents(scope, locked, left, renamed ? 'group_renamed' : 'members_removed'));
      // The row and its events in one statement (one round trip fewer in every group PATCH and PUT).
      return this.groups.update(
        scope,
        id,
        attributesChanged ? input : { ...input, resource: locked.resource },
        true,
        this.events.statement(events),
      );
    });
  }
}
