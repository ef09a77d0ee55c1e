import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import type { TestApp } from '../../utils/create-test-app';
import { expectEventually } from '../../utils/expect-eventually';
import { patchOp, ScimClient } from '../../utils/scim-client';

export interface SyncFixture extends TenantFixture {
  scim: ScimClient;
}

/** A fresh tenant (SSO domain `domain`) with a SCIM connection and a client speaking to it. */
export async function syncFixture(t: TestApp, opts: { domain?: string } = {}): Promise<SyncFixture> {
  const f = await createTenantWithConnection(t.admin, opts);
  return { ...f, scim: new ScimClient(t.baseUrl, f) };
}

function ok<T = any>(res: { status: number; text: string; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res.body;
}

export async function scimUser(
  f: SyncFixture,
  overrides: Record<string, unknown> = {},
  domain = f.domain,
): Promise<any> {
  return ok(await f.scim.post('/Users', entraUser(overrides, domain)), 201, 'POST /Users');
}

export async function scimGroup(
  f: SyncFixture,
  overrides: Record<string, unknown> = {},
  memberIds: string[] = [],
): Promise<any> {
  return ok(
    await f.scim.post('/Groups', entraGroup({ ...overrides, members: memberIds.map((value) => ({ value })) })),
    201,
    'POST /Groups',
  );
}

export async function patchUser(f: SyncFixture, id: string, ...ops: Array<Record<string, unknown>>): Promise<void> {
  const res = await f.scim.patch(`/Users/${id}`, patchOp(...ops));
  if (res.status !== 200 && res.status !== 204) throw new Error(`PATCH /Users: ${res.status} ${res.text}`);
}

export async function patchGroup(f: SyncFixture, id: string, ...ops: Array<Record<string, unknown>>): Promise<void> {
  const res = await f.scim.patch(`/Groups/${id}`, patchOp(...ops));
  if (res.status !== 200 && res.status !== 204) throw new Error(`PATCH /Groups: ${res.status} ${res.text}`);
}

export async function site(t: TestApp, tenantId: string, name: string): Promise<{ id: string; name: string }> {
  return ok(await t.admin.post(`/admin/v1/tenants/${tenantId}/sites`, { name }), 201, 'POST sites');
}

export async function internalGroup(
  t: TestApp,
  tenantId: string,
  body: { name: string; permissions?: string[]; siteIds?: string[] },
): Promise<any> {
  return ok(await t.admin.post(`/admin/v1/tenants/${tenantId}/groups`, body), 201, 'POST groups');
}

export async function putMappings(
  t: TestApp,
  connectionId: string,
  mappings: Array<{ scimGroup: { displayName?: string; externalId?: string }; internalGroupId: string }>,
): Promise<any> {
  return ok(
    await t.admin.put(`/admin/v1/scim-connections/${connectionId}/group-mappings`, { mappings }),
    200,
    'PUT group-mappings',
  );
}

/** Starts a manual run and waits for it to finish; returns the run detail (steps + first page of skips). */
export async function runSync(t: TestApp, connectionId: string, mode?: string, timeoutMs = 30_000): Promise<any> {
  const started = ok(
    await t.admin.post(`/admin/v1/scim-connections/${connectionId}/sync-runs`, mode ? { mode } : undefined),
    202,
    'POST sync-runs',
  );
  return waitForRun(t, started.id, timeoutMs);
}

export async function waitForRun(t: TestApp, runId: string, timeoutMs = 30_000): Promise<any> {
  let detail: any;
  await expectEventually(
    async () => {
      detail = ok(await t.admin.get(`/admin/v1/sync-runs/${runId}?skipsLimit=1000`), 200, 'GET sync-run');
      if (detail.status === 'in_progress') throw new Error(`run ${runId} still in progress`);
    },
    timeoutMs,
    50,
  );
  return detail;
}

export async function members(t: TestApp, tenantId: string): Promise<any[]> {
  return ok(await t.admin.get(`/admin/v1/tenants/${tenantId}/members`), 200, 'GET members').items;
}

export async function memberByEmail(t: TestApp, tenantId: string, email: string): Promise<any> {
  return (await members(t, tenantId)).find((m) => m.email === email.toLowerCase());
}

export async function stagedRows(t: TestApp, connectionId: string): Promise<any[]> {
  return ok(
    await t.admin.get(`/admin/v1/scim-connections/${connectionId}/scim-users?limit=1000`),
    200,
    'GET scim-users',
  ).items;
}

export const skipOf = (run: any, stagedUserId: string): string | undefined =>
  run.skips.items.find((s: any) => s.stagedUserId === stagedUserId)?.reason;

export const emailOf = (u: any): string => (u.emails?.[0]?.value ?? u.userName).toLowerCase();
