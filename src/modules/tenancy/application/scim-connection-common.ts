import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { isConnectionId } from '../domain/scim-token';
import type { ScimConnectionRecord, ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';

export interface ScimConnectionView {
  id: string;
  tenantId: string;
  name: string | null;
  tenantUrl: string;
  createdAt: string;
}

export function connectionNotFound(): TenancyError {
  return new TenancyError(TenancyErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
}

/** Builds the admin view of a connection, including the Tenant URL to paste into the IdP. */
@Injectable()
export class ScimConnectionViews {
  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  toView(c: ScimConnectionRecord): ScimConnectionView {
    return {
      id: c.id,
      tenantId: c.tenantId,
      name: c.name,
      tenantUrl: `${this.env.PUBLIC_URL}/scim/v2/${c.id}`,
      createdAt: c.createdAt.toISOString(),
    };
  }
}

/** A live connection by id; unknown, malformed and deleted ids are all "not found". */
export async function liveConnectionOrThrow(connections: ScimConnectionRepository, connectionId: string) {
  const c = isConnectionId(connectionId) ? await connections.findLive(connectionId) : null;
  if (!c) throw connectionNotFound();
  return c;
}
