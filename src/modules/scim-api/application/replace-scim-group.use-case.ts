import { Injectable } from '@nestjs/common';
import { normalizeGroupInput } from '../domain/resource/scim-resource.normalizer';
import { changedKeys, expectedVersion, type ScimResult, ScimResourceUseCase, type ScimWriteArgs } from './scim-common';
import { groupInput, membersUnlessExcluded, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-response-common';

/** PUT /Groups/{id} (RFC 7644 §3.5.1). Member changes are applied in SQL, O(changed members). */
@Injectable()
export class ReplaceScimGroupUseCase extends ScimResourceUseCase {
  async execute(...[scope, id, body, ifMatch, baseUrl, p]: ScimWriteArgs): Promise<ScimResult> {
    const input = normalizeGroupInput(body, this.registry);
    const rec = await this.staging.modifyGroup(
      scope,
      id,
      (current) => ({
        input: groupInput(input.resource, body),
        changedAttributes: changedKeys(current.resource, input.resource),
        members: { add: [], remove: [], replaceAll: input.members },
      }),
      expectedVersion(ifMatch),
    );
    const members = await membersUnlessExcluded(this.staging, scope, rec.id, p);
    return {
      id: rec.id,
      version: rec.version,
      body: projectGroup(presentGroup(rec, baseUrl, members), p, this.registry),
    };
  }
}
