import { Injectable } from '@nestjs/common';
import { ScimMemberRepository } from '../infrastructure/scim-member.repository';
import type { ScimMemberScope } from '../public/scim-members.types';

/** Staged users of a connection whose SCIM-sourced group rows include these internal groups. */
@Injectable()
export class FindScimMembersInGroupsQuery {
  constructor(private readonly repo: ScimMemberRepository) {}

  execute(scope: ScimMemberScope, internalGroupIds: readonly string[]): Promise<string[]> {
    return this.repo.stagedUsersHoldingGroups(scope.tenantId, scope.connectionId, internalGroupIds);
  }
}
