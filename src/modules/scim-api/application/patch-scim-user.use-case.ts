import { Injectable } from '@nestjs/common';
import { applyUserPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { deepEqual } from '../domain/resource/scim-json';
import { expectedVersion, type ScimResult, ScimResourceUseCase, type ScimWriteArgs } from './scim-common';
import { presentUser } from './scim-response-common';
import { ENTERPRISE, managerOf, projectUser, scopeManager, userColumns } from './scim-user-common';

/** PATCH /Users/{id} (RFC 7644 §3.5.2): every dialect normalised first, then all operations or none. */
@Injectable()
export class PatchScimUserUseCase extends ScimResourceUseCase {
  async execute(...[scope, id, body, ifMatch, baseUrl, p]: ScimWriteArgs): Promise<ScimResult> {
    const ops = normalizePatchRequest(body, 'User', this.registry);
    const rec = await this.staging.modifyUser(
      scope,
      id,
      async (current) => {
        const result = applyUserPatch(current.resource, ops, this.registry);
        const { resource, ignoredManagerIds } = await scopeManager(this.staging, this.registry, scope, result.resource);
        const changedAttributes =
          ignoredManagerIds.length > 0 && deepEqual(managerOf(current.resource), managerOf(resource))
            ? result.changedAttributes.filter((a) => a !== `${ENTERPRISE}:manager`)
            : result.changedAttributes;
        return { input: { ...userColumns(resource, body), ignoredManagerIds }, changedAttributes };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: projectUser(presentUser(rec, baseUrl), p, this.registry) };
  }
}
