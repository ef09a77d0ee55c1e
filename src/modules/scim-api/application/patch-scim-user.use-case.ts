import { Inject, Injectable } from '@nestjs/common';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { applyUserPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { deepEqual } from '../domain/resource/scim-json';
import { expectedVersion, type Projection, type ScimResult } from './scim-common';
import { presentUser } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';
import { userColumns } from './scim-user.columns';
import { ENTERPRISE, managerOf, projectUser, scopeManager } from './scim-user-common';

/** PATCH /Users/{id} (RFC 7644 §3.5.2): every dialect normalised first, then all operations or none. */
@Injectable()
export class PatchScimUserUseCase {
  constructor(
    private readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  async execute(
    scope: StagingScope,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    baseUrl: string,
    p: Projection,
  ): Promise<ScimResult> {
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
