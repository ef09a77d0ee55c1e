import { Injectable } from '@nestjs/common';
import { ScimError } from '../../../shared/scim/scim-error';
import type { StagingScope } from '../../staging/public';
import { type Projection, type ScimResult, ScimResourceUseCase } from './scim-common';
import { membersUnlessExcluded, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-response-common';

/** GET /Groups/{id} (RFC 7644 §3.4.1). */
@Injectable()
export class GetScimGroupQuery extends ScimResourceUseCase {
  async execute(scope: StagingScope, id: string, baseUrl: string, p: Projection): Promise<ScimResult> {
    const rec = await this.staging.getGroup(scope, id);
    if (!rec) throw ScimError.notFound(`Group ${id.slice(0, 64)} not found`);
    const members = await membersUnlessExcluded(this.staging, scope, rec.id, p);
    return {
      id: rec.id,
      version: rec.version,
      body: projectGroup(presentGroup(rec, baseUrl, members), p, this.registry),
    };
  }
}
