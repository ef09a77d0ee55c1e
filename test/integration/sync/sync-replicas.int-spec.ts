import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../../../src/shared/domain/clock';
import { RunScheduledSyncJob, RUN_SCHEDULED_SYNC_JOBS } from '../../../src/modules/sync/jobs/run-scheduled-sync.job';
import { RECLAIM_STALE_SYNC_RUNS_JOB } from '../../../src/modules/sync/jobs/reclaim-stale-sync-runs.job';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { createIsolatedDatabase } from '../../utils/isolated-database';
import { ScimClient } from '../../utils/scim-client';

jest.setTimeout(120_000);

/** Monday 2025-01-06, inside the default window (hourly 06–18 UTC, deprovisioning every 15 min). */
const MONDAY_0700 = new Date('2025-01-06T07:00:00Z');
const MONDAY_0715 = new Date('2025-01-06T07:15:00Z');

/**
 * Scheduled runs with replicas on one database, in a database of their own (a tick syncs every live
 * connection it finds). SCIM setup goes through the first instance before the second starts.
 */
describe('scheduled sync with two app instances', () => {
  let db: { url: string; dispose(): Promise<void> };
  let a: TestApp;
  let b: TestApp | undefined;
  const fixtures: TenantFixture[] = [];

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    a = await createTestApp({ DATABASE_URL: db.url });
    for (let i = 0; i < 3; i++) {
      const f = await createTenantWithConnection(a.admin);
      const scim = new ScimClient(a.baseUrl, f);
      for (let j = 0; j < 20; j++) expect((await scim.post('/Users', entraUser({}, f.domain))).status).toBe(201);
      fixtures.push(f);
    }
    b = await createTestApp({ DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.dispose();
  });

  const runsOf = async (connectionId: string) =>
    a.dataSource.query(
      `SELECT id, status, trigger, mode, scheduled_slot, provisioned FROM sync.sync_run WHERE connection_id = $1 ORDER BY started_at`,
      [connectionId],
    );

  it('runs each connection exactly once when both instances fire the provisioning cron at the same instant', async () => {
    const [ra, rb] = await Promise.all([
      a.app.get(RunScheduledSyncJob).tick('provision', MONDAY_0700),
      b!.app.get(RunScheduledSyncJob).tick('provision', MONDAY_0700),
    ]);
    expect(ra.slot).toBe(MONDAY_0700.toISOString());
    expect(ra.ran.length + rb.ran.length).toBe(3);
    for (const f of fixtures) {
      const runs = await runsOf(f.connectionId);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', trigger: 'scheduled', mode: 'full', provisioned: 20 });
      expect(new Date(runs[0].scheduled_slot).toISOString()).toBe(MONDAY_0700.toISOString());
      const [{ n }] = await a.dataSource.query(
        `SELECT count(*)::int AS n FROM tenancy.membership WHERE connection_id = $1 AND status = 'active'`,
        [f.connectionId],
      );
      expect(n).toBe(20);
    }
  });

  it('refuses the same slot again, even after the first run finished (a late replica)', async () => {
    const late = await b!.app.get(RunScheduledSyncJob).tick('provision', new Date(MONDAY_0700.getTime() + 20_000));
    expect(late.ran).toEqual([]);
    expect(late.skipped.map((s) => s.reason)).toEqual([
      'SYNC.SLOT_ALREADY_RUN',
      'SYNC.SLOT_ALREADY_RUN',
      'SYNC.SLOT_ALREADY_RUN',
    ]);
    for (const f of fixtures) expect(await runsOf(f.connectionId)).toHaveLength(1);
  });

  it('lets the deprovisioning tick yield to the provisioning run at the same instant, and run alone at :15', async () => {
    expect((await a.app.get(RunScheduledSyncJob).tick('deprovision', MONDAY_0700)).slot).toBeNull();
    const [ra, rb] = await Promise.all([
      a.app.get(RunScheduledSyncJob).tick('deprovision', MONDAY_0715),
      b!.app.get(RunScheduledSyncJob).tick('deprovision', MONDAY_0715),
    ]);
    expect(ra.ran.length + rb.ran.length).toBe(3);
    for (const f of fixtures) {
      const runs = await runsOf(f.connectionId);
      expect(runs.map((r: any) => r.mode)).toEqual(['full', 'deprovision']);
    }
  });

  it('takes the instant from the injected clock; outside the window nothing runs', async () => {
    const job = a.app.get(RunScheduledSyncJob);
    const clock = jest.spyOn(a.app.get(Clock), 'now');
    try {
      clock.mockReturnValue(new Date('2025-01-11T10:00:00Z')); // Saturday
      expect(await job.tick('provision')).toEqual({ kind: 'provision', slot: null, ran: [], skipped: [] });
      clock.mockReturnValue(new Date('2025-01-06T19:00:00Z')); // Monday evening
      expect((await job.tick('provision')).slot).toBeNull();
      clock.mockReturnValue(new Date('2025-01-07T06:00:00.250Z')); // Tuesday 06:00, a tick 250 ms late
      const tick = await job.tick('provision');
      expect(tick.slot).toBe('2025-01-07T06:00:00.000Z');
      expect(tick.ran).toHaveLength(3);
    } finally {
      clock.mockRestore();
    }
  });

  it('registers both crons in UTC from configuration, and none on API-only replicas', async () => {
    const registry = a.app.get(SchedulerRegistry);
    expect(registry.getCronJobs().has(RUN_SCHEDULED_SYNC_JOBS.provision)).toBe(false); // CRON_ENABLED=false (test default)

    await b!.close(); // one extra instance at a time
    b = await createTestApp({
      DATABASE_URL: db.url,
      CRON_ENABLED: 'true',
      SYNC_CRON: '5 7-9 * * 1-5',
      SYNC_DEPROVISION_CRON: '*/10 7-9 * * 1-5',
    });
    const jobs = b.app.get(SchedulerRegistry).getCronJobs();
    const provision = jobs.get(RUN_SCHEDULED_SYNC_JOBS.provision)!;
    const deprovision = jobs.get(RUN_SCHEDULED_SYNC_JOBS.deprovision)!;
    expect(provision.cronTime.source).toBe('5 7-9 * * 1-5');
    expect(provision.cronTime.timeZone).toBe('UTC');
    expect(deprovision.cronTime.source).toBe('*/10 7-9 * * 1-5');
    expect(deprovision.cronTime.timeZone).toBe('UTC');
    expect(jobs.has(RECLAIM_STALE_SYNC_RUNS_JOB)).toBe(true);
    expect(provision.cronTime.getNextDateFrom(new Date('2025-01-10T09:30:00Z'), 'UTC').toJSDate().toISOString()).toBe(
      '2025-01-13T07:05:00.000Z',
    );

    await b.close();
    b = await createTestApp({ DATABASE_URL: db.url, CRON_ENABLED: 'true', SYNC_CRON_ENABLED: 'false' });
    const apiOnly = b.app.get(SchedulerRegistry).getCronJobs();
    expect(apiOnly.has(RUN_SCHEDULED_SYNC_JOBS.provision)).toBe(false);
    expect(apiOnly.has(RUN_SCHEDULED_SYNC_JOBS.deprovision)).toBe(false);
  });

  it('refuses to boot with a bad cron expression', async () => {
    await expect(createTestApp({ DATABASE_URL: db.url, SYNC_CRON: 'every hour' })).rejects.toThrow(/SYNC_CRON/);
  });
});
