import { Injectable } from '@nestjs/common';
import type { StagingScope } from '../../staging/public';
import { normalizeGroupInput } from '../domain/resource/scim-resource.normalizer';
import { type Projection, type ScimResult, ScimResourceUseCase } from './scim-common';
import { groupInput, membersUnlessExcluded, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-response-common';

/** POST /Groups (RFC 7644 §3.3). */
@Injectable()
export class CreateScimGroupUseCase extends ScimResourceUseCase {
  async execute(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeGroupInput(body, this.registry);
    const rec = await this.staging.createGroup(scope, groupInput(input.resource, body), input.members);
    const members = await membersUnlessExcluded(this.staging, scope, rec.id, p);
    return {
      id: rec.id,
      version: rec.version,
      body: projectGroup(presentGroup(rec, baseUrl, members), p, this.registry),
    };
  }
}
