import { Injectable } from '@nestjs/common';
import { planGroupPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { expectedVersion, type ScimResult, ScimResourceUseCase, type ScimWriteArgs } from './scim-common';
import { groupInput, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-response-common';

/**
 * PATCH /Groups/{id} (RFC 7644 §3.5.2). Member changes are applied in SQL, O(changed members).
 * Group PATCH never echoes members (Entra: "returning … all the members isn't advisable").
 */
@Injectable()
export class PatchScimGroupUseCase extends ScimResourceUseCase {
  async execute(...[scope, id, body, ifMatch, baseUrl, p]: ScimWriteArgs): Promise<ScimResult> {
    const ops = normalizePatchRequest(body, 'Group', this.registry);
    const rec = await this.staging.modifyGroup(
      scope,
      id,
      (current) => {
        const plan = planGroupPatch(current.resource, ops, this.registry);
        return {
          input: groupInput(plan.resource, body),
          changedAttributes: plan.changedAttributes.filter((a) => a !== 'members'),
          members: plan.members,
        };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: projectGroup(presentGroup(rec, baseUrl), p, this.registry) };
  }
}
