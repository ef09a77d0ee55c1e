import { Injectable } from '@nestjs/common';
import { ScimResourceUseCase } from './scim-common';
import { type StagedMember, type StagingScope } from '../../staging/public';
import { projectGroup } from './scim-group-common';
import { membersExcluded, type ScimListQuery } from './scim-list-common';
import { listResponse, presentGroup } from './scim-response-common';

/** GET /Groups and POST /Groups/.search (RFC 7644 §3.4.2–§3.4.3); members read for the whole page at once. */
@Injectable()
export class ListScimGroupsQuery extends ScimResourceUseCase {
  async execute(scope: StagingScope, q: ScimListQuery, baseUrl: string) {
    const page = await this.staging.listGroups(scope, q);
    const members = membersExcluded(q)
      ? new Map<string, StagedMember[]>()
      : await this.staging.listMembers(
          scope,
          page.items.map((g) => g.id),
        );
    const resources = page.items.map((rec) =>
      projectGroup(presentGroup(rec, baseUrl, members.get(rec.id)), q, this.registry),
    );
    return listResponse(resources, page.totalResults, q.startIndex);
  }
}
