import { Injectable } from '@nestjs/common';
import { ScimError } from '../../../shared/scim/scim-error';
import type { StagingScope } from '../../staging/public';
import { type Projection, type ScimResult, ScimResourceUseCase } from './scim-common';
import { presentUser } from './scim-response-common';
import { projectUser } from './scim-user-common';

/** GET /Users/{id} (RFC 7644 §3.4.1). */
@Injectable()
export class GetScimUserQuery extends ScimResourceUseCase {
  async execute(scope: StagingScope, id: string, baseUrl: string, p: Projection): Promise<ScimResult> {
    const rec = await this.staging.getUser(scope, id);
    if (!rec) throw ScimError.notFound(`User ${id.slice(0, 64)} not found`);
    return { id: rec.id, version: rec.version, body: projectUser(presentUser(rec, baseUrl), p, this.registry) };
  }
}
