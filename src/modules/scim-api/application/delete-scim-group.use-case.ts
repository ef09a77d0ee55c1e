import { Injectable } from '@nestjs/common';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { expectedVersion } from './scim-common';

/** DELETE /Groups/{id} (RFC 7644 §3.6). */
@Injectable()
export class DeleteScimGroupUseCase {
  constructor(private readonly staging: StagingFacade) {}

  async execute(scope: StagingScope, id: string, ifMatch: string | undefined): Promise<void> {
    await this.staging.deleteGroup(scope, id, expectedVersion(ifMatch));
  }
}
