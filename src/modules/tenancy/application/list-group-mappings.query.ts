import { Injectable } from '@nestjs/common';
import { InternalGroupRepository } from '../infrastructure/internal-group.repository';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { toMappingView, type GroupMappingView } from './directory-common';
import { liveConnectionOrThrow } from './scim-connection-common';

@Injectable()
export class ListGroupMappingsQuery {
  constructor(
    private readonly repo: InternalGroupRepository,
    private readonly connections: ScimConnectionRepository,
  ) {}

  async execute(connectionId: string): Promise<GroupMappingView[]> {
    const c = await liveConnectionOrThrow(this.connections, connectionId);
    return (await this.repo.listMappings(c.tenantId, c.id)).map(toMappingView);
  }
}
