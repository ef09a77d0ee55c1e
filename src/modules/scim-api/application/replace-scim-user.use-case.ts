import { Injectable } from '@nestjs/common';
import { normalizeUserInput } from '../domain/resource/scim-resource.normalizer';
import {
  changedKeys,
  expectedVersion,
  hasTopLevelKey,
  type ScimResult,
  ScimResourceUseCase,
  type ScimWriteArgs,
} from './scim-common';
import { presentUser } from './scim-response-common';
import { projectUser, scopeManager, userColumns } from './scim-user-common';

/** PUT /Users/{id} (RFC 7644 §3.5.1). `active` left out keeps its value: Okta's AIW apps PUT profiles. */
@Injectable()
export class ReplaceScimUserUseCase extends ScimResourceUseCase {
  async execute(...[scope, id, body, ifMatch, baseUrl, p]: ScimWriteArgs): Promise<ScimResult> {
    const input = normalizeUserInput(body, this.registry);
    const rec = await this.staging.modifyUser(
      scope,
      id,
      async (current) => {
        const sent = hasTopLevelKey(body, 'active') ? input.resource : { ...input.resource, active: current.active };
        const { resource, ignoredManagerIds } = await scopeManager(this.staging, this.registry, scope, sent);
        return {
          input: { ...userColumns(resource, body), ignoredManagerIds },
          changedAttributes: changedKeys(current.resource, resource),
        };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: projectUser(presentUser(rec, baseUrl), p, this.registry) };
  }
}
