import { randomBytes } from 'node:crypto';
import type { HttpClient } from '../utils/http-client';

export interface TenantFixture {
  tenantId: string;
  connectionId: string;
  tenantUrl: string;
  tokenId: string;
  token: string;
  domain: string;
}

/** A fresh tenant + SCIM connection + token through the admin API; suites isolate by tenant. */
export async function createTenantWithConnection(
  admin: HttpClient,
  opts: { domain?: string; name?: string } = {},
): Promise<TenantFixture> {
  const domain = opts.domain ?? `t${randomBytes(4).toString('hex')}.example`;
  const tenant = await admin.post('/admin/v1/tenants', { name: opts.name ?? 'Acme', ssoDomains: [domain] });
  if (tenant.status !== 201) throw new Error(`create tenant: ${tenant.status} ${tenant.text}`);
  const conn = await admin.post(`/admin/v1/tenants/${tenant.body.id}/scim-connections`, { name: 'Entra ID' });
  if (conn.status !== 201) throw new Error(`create connection: ${conn.status} ${conn.text}`);
  const token = await admin.post(`/admin/v1/scim-connections/${conn.body.id}/tokens`, {
    name: 'Entra ID — Production',
  });
  if (token.status !== 201) throw new Error(`issue token: ${token.status} ${token.text}`);
  return {
    tenantId: tenant.body.id,
    connectionId: conn.body.id,
    tenantUrl: conn.body.tenantUrl,
    tokenId: token.body.id,
    token: token.body.token,
    domain,
  };
}
