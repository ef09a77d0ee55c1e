import { Injectable } from '@nestjs/common';
import { isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenancyFacade, type ConnectionRef } from '../public/tenancy.facade';

@Injectable()
export class TenancyFacadeService extends TenancyFacade {
  constructor(private readonly connections: ScimConnectionRepository) {
    super();
  }

  async findLiveConnection(connectionId: string): Promise<ConnectionRef | null> {
    if (!isConnectionId(connectionId)) return null;
    const c = await this.connections.findLive(connectionId);
    return c ? { id: c.id, tenantId: c.tenantId } : null;
  }
}
