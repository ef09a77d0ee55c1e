import { Injectable } from '@nestjs/common';
import { ScimResourceUseCase } from './scim-common';
import type { StagingScope } from '../../staging/public';
import type { ScimListQuery } from './scim-list-common';
import { listResponse, presentUser } from './scim-response-common';
import { projectUser } from './scim-user-common';

/** GET /Users and POST /Users/.search (RFC 7644 §3.4.2–§3.4.3). */
@Injectable()
export class ListScimUsersQuery extends ScimResourceUseCase {
  async execute(scope: StagingScope, q: ScimListQuery, baseUrl: string) {
    const page = await this.staging.listUsers(scope, q);
    const resources = page.items.map((rec) => projectUser(presentUser(rec, baseUrl), q, this.registry));
    return listResponse(resources, page.totalResults, q.startIndex);
  }
}
