import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { spawnCrashChild } from '../../utils/crash-child';
import { expectEventually } from '../../utils/expect-eventually';
import { createIsolatedDatabase } from '../../utils/isolated-database';
import {
  emailOf,
  internalGroup,
  memberByEmail,
  putMappings,
  runSync,
  scimGroup,
  scimUser,
  syncFixture,
  type SyncFixture,
} from '../../e2e/sync/sync-helpers';

jest.setTimeout(120_000);

/**
 * A process killed between the SCIM commit that removes access and the handler that applies it:
 * the removal and its event committed together, so the next process to run the relay revokes.
 */
describe('access removal survives a crash before its handler ran', () => {
  let db: { url: string; dispose(): Promise<void> };
  let t: TestApp | undefined;

  beforeAll(async () => {
    db = await createIsolatedDatabase();
  });
  afterAll(async () => {
    await t?.close();
    await db?.dispose();
  });

  it('DELETE of a mapped group in a process killed before delivery still revokes after restart', async () => {
    let f: SyncFixture;
    let alice: any;
    let group: any;
    const setup = await createTestApp({ DATABASE_URL: db.url });
    try {
      f = await syncFixture(setup);
      const finance = await internalGroup(setup, f.tenantId, { name: 'Finance Staff', permissions: ['finance.read'] });
      alice = await scimUser(f);
      group = await scimGroup(f, { displayName: 'Finance' }, [alice.id]);
      await putMappings(setup, f.connectionId, [
        { scimGroup: { displayName: 'Finance' }, internalGroupId: finance.id },
      ]);
      await runSync(setup, f.connectionId);
      expect((await memberByEmail(setup, f.tenantId, emailOf(alice))).permissions).toEqual(['finance.read']);
      await setup.drainOutbox();
    } finally {
      await setup.close();
    }

    // A Roster without a relay answers the DELETE, then dies before anything delivers its events.
    const child = spawnCrashChild(join(__dirname, '../../e2e/sessions/deactivate-then-crash.child.ts'), {
      CHILD_DATABASE_URL: db.url,
      CHILD_METHOD: 'DELETE',
      CHILD_PATH: `/scim/v2/${f.connectionId}/Groups/${group.id}`,
      CHILD_TOKEN: f.token,
    });
    const [, status] = await child.waitFor(/DONE (\d+)/);
    expect(status).toBe('204');
    await child.kill();

    const { Client } = await import('pg');
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      // Committed and not yet applied: the event waits in the outbox, the member still holds the group.
      const { rows: pending } = await pg.query(
        `SELECT count(*)::int AS n FROM platform.outbox_message WHERE event_name = 'staging.group.members_left' AND status = 'pending'`,
      );
      expect(pending[0].n).toBe(1);
      const { rows: held } = await pg.query(
        `SELECT count(*)::int AS n FROM tenancy.membership_group mg JOIN tenancy.membership m ON m.id = mg.membership_id
          WHERE m.staged_user_id = $1`,
        [alice.id],
      );
      expect(held[0].n).toBe(1);
    } finally {
      await pg.end();
    }

    // Restart: the relay delivers the committed event; the access goes.
    t = await createTestApp({ DATABASE_URL: db.url });
    await expectEventually(
      async () => expect((await memberByEmail(t!, f.tenantId, emailOf(alice))).permissions).toEqual([]),
      10_000,
      50,
    );
    await expectEventually(async () => {
      const entries = (await t!.admin.get(`/admin/v1/audit-events?tenantId=${f.tenantId}&action=member.access_revoked`))
        .body.items;
      expect(entries).toMatchObject([
        { actor: { type: 'system' }, details: { email: emailOf(alice), cause: 'scim_group_deleted' } },
      ]);
    }, 10_000);
  });
});
