import { Injectable } from '@nestjs/common';
import { isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';

/** The tenant of a connection, deleted ones included (null when there is none): what scoped keys are checked against. */
@Injectable()
export class FindConnectionTenantQuery {
  constructor(private readonly connections: ScimConnectionRepository) {}

  execute(connectionId: string): Promise<string | null> {
    return isConnectionId(connectionId) ? this.connections.tenantOf(connectionId) : Promise.resolve(null);
  }
}
