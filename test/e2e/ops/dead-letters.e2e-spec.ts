import { Injectable, Module } from '@nestjs/common';
import { StagedUserDeactivatedEvent } from '../../../src/modules/staging/public';
import { OnDomainEvent } from '../../../src/shared/events/on-domain-event.decorator';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { freePort } from '../../utils/free-port';
import { patchOp, ScimClient } from '../../utils/scim-client';

/** A handler of the deprovisioning event that fails while `failing` is set. */
@Injectable()
class FlakyDeprovisioner {
  static failing = true;
  static delivered = 0;
  @OnDomainEvent(StagedUserDeactivatedEvent)
  async onDeactivated(): Promise<void> {
    if (FlakyDeprovisioner.failing) throw new Error('downstream directory unreachable');
    FlakyDeprovisioner.delivered++;
    return Promise.resolve();
  }
}

@Module({ providers: [FlakyDeprovisioner] })
class FlakyModule {}

/**
 * An event whose delivery gives up is a dead letter: an admin sees it (event, error, attempts,
 * first/last attempt) and retries it; a dead deprovisioning event is logged at error and counted in
 * the metrics — it means someone keeps access they should have lost.
 */
describe('outbox dead letters', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let metricsPort: number;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    metricsPort = await freePort();
    t = await createIsolatedTestApp(
      { OUTBOX_MAX_ATTEMPTS: '2', LOG_LEVEL: 'error', LOG_FORMAT: 'json', METRICS_PORT: String(metricsPort) },
      [FlakyModule],
      { logs: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } },
    );
    tenant = await createTenantWithConnection(t.admin);
  });

  afterAll(async () => {
    await t?.close();
  });

  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

  it('shows both dead-letter series at 0 from boot on, before anything failed', async () => {
    const metrics = await scrape();
    expect(metrics).toContain('roster_outbox_dead_letters{event="staging.user.deactivated"} 0');
    expect(metrics).toContain('roster_outbox_dead_lettered_total{event="staging.user.deactivated"} 0');
    expect(metrics).toContain('roster_outbox_dead_letters{event="tenancy.membership.revoked"} 0');
  });

  it('lists a dead deprovisioning event with its error and attempts, logs it at error, counts it, and retries it on request', async () => {
    const scim = new ScimClient(t.baseUrl, tenant);
    const user = await scim.post('/Users', entraUser({ userName: `gone@${tenant.domain}` }));
    expect(user.status).toBe(201);
    const off = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    expect([200, 204]).toContain(off.status);

    // Attempt 1 fails; attempt 2 (after the 1 s backoff) fails and dead-letters it.
    await t.drainOutbox();
    await new Promise((r) => setTimeout(r, 1100));
    await t.drainOutbox();

    const list = await t.admin.get('/admin/v1/outbox/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const dead = list.body.items[0];
    expect(dead).toMatchObject({
      eventName: 'staging.user.deactivated',
      tenantId: tenant.tenantId,
      error: 'downstream directory unreachable',
      attempts: 2,
    });
    expect(Date.parse(dead.firstAttemptAt)).toBeLessThan(Date.parse(dead.lastAttemptAt));
    expect(list.body.next).toBeNull();

    const line = logs.find((l) => String(l.msg).includes(dead.id));
    expect(line).toMatchObject({ level: 'error', context: 'OutboxRelay' });
    expect(String(line!.msg)).toContain('access is NOT removed');

    const metrics = await scrape();
    expect(metrics).toContain('roster_outbox_dead_letters{event="staging.user.deactivated"} 1');
    expect(metrics).toContain('roster_outbox_dead_lettered_total{event="staging.user.deactivated"} 1');

    expect((await t.http.get('/admin/v1/outbox/dead-letters')).status).toBe(401);
    expect(
      (await t.admin.post(`/admin/v1/outbox/dead-letters/${'0'.repeat(8)}-0000-0000-0000-000000000000/retry`)).status,
    ).toBe(404);
    expect((await t.admin.post('/admin/v1/outbox/dead-letters/not-a-uuid/retry')).status).toBe(404);

    FlakyDeprovisioner.failing = false;
    const retry = await t.admin.post(`/admin/v1/outbox/dead-letters/${dead.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({ id: dead.id, status: 'pending' });
    await t.drainOutbox();
    expect(FlakyDeprovisioner.delivered).toBe(1);
    expect((await t.admin.get('/admin/v1/outbox/dead-letters')).body.items).toEqual([]);
    expect(await scrape()).toContain('roster_outbox_dead_letters{event="staging.user.deactivated"} 0');
    // Retrying what is no longer dead: 404.
    expect((await t.admin.post(`/admin/v1/outbox/dead-letters/${dead.id}/retry`)).status).toBe(404);
  }, 60_000);
});
