import { join } from 'node:path';
import { TransactionHost } from '../../../src/shared/database/transaction-host';
import { EventBus } from '../../../src/shared/events/event-bus';
import { MembershipRevokedEvent } from '../../../src/modules/tenancy/public';
import { linkScimMembership } from '../../factories/membership.factory';
import { entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { spawnCrashChild } from '../../utils/crash-child';
import { createIsolatedTestApp, type TestApp } from '../../utils/create-test-app';
import { deliveredOutboxRows, redeliverOutboxRows } from '../../utils/outbox-history';
import { expectEventually } from '../../utils/expect-eventually';
import { patchOp, ScimClient } from '../../utils/scim-client';

describe('Sessions', () => {
  let t: TestApp;
  // A database of its own: the 1-second deadlines below measure this app's relay, not a queue of
  // events that parallel suites' relays claimed from a shared outbox.
  beforeAll(async () => {
    t = await createIsolatedTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A tenant with a SCIM-provisioned member and a SCIM client for its connection. */
  async function member(): Promise<{
    f: TenantFixture;
    scim: ScimClient;
    userId: string;
    email: string;
    accountId: string;
  }> {
    const f = await createTenantWithConnection(t.admin);
    const scim = new ScimClient(t.baseUrl, f);
    const created = await scim.post('/Users', entraUser({}, f.domain));
    expect(created.status).toBe(201);
    const email = created.body.emails[0].value as string;
    const { accountId } = await linkScimMembership(t.dataSource, {
      tenantId: f.tenantId,
      connectionId: f.connectionId,
      stagedUserId: created.body.id,
      email,
    });
    return { f, scim, userId: created.body.id, email, accountId };
  }

  const createSession = (tenantId: string, email: string) => t.admin.post('/v1/sessions', { tenantId, email });
  const introspect = async (token: string) => (await t.admin.post('/v1/sessions/introspect', { token })).body;

  describe('creation and introspection', () => {
    it('creates a session for an active member and introspects it in the RFC 7662 shape', async () => {
      const m = await member();
      const res = await createSession(m.f.tenantId, m.email.toUpperCase());
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'id', 'token']);
      expect(res.body.token).toMatch(/^rss_[A-Za-z0-9_-]{43}$/);
      const expiresAt = Date.parse(res.body.expiresAt);
      expect(expiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
      const info = await introspect(res.body.token);
      expect(info).toEqual({
        active: true,
        sessionId: res.body.id,
        accountId: m.accountId,
        tenantId: m.f.tenantId,
        exp: Math.floor(expiresAt / 1000),
        permissions: [],
        siteIds: [],
      });
    });

    it('stores only the hash of the session token', async () => {
      const m = await member();
      const { body } = await createSession(m.f.tenantId, m.email);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM sessions.session WHERE position($1 in encode(token_hash, 'escape')) > 0 OR token_hash = sha256(convert_to($1, 'UTF8'))`,
        [body.token],
      );
      expect(n).toBe(1); // matched by its SHA-256 only
      const [{ plain }] = await t.dataSource.query(
        `SELECT count(*)::int AS plain FROM sessions.session WHERE position($1 in encode(token_hash, 'escape')) > 0`,
        [body.token],
      );
      expect(plain).toBe(0);
    });

    it('refuses a session for an email that is not an active member with 403', async () => {
      const m = await member();
      const outsider = await createSession(m.f.tenantId, `nobody@${m.f.domain}`);
      expect(outsider.status).toBe(403);
      expect(outsider.body.error).toBe('forbidden');
      const other = await createTenantWithConnection(t.admin);
      expect((await createSession(other.tenantId, m.email)).status).toBe(403);
      expect((await createSession('00000000-0000-4000-8000-000000000000', m.email)).status).toBe(403);
    });

    it('validates the body with 400 naming the field', async () => {
      const res = await t.admin.post('/v1/sessions', { tenantId: 'nope', email: 'not-an-email' });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'tenantId']);
    });

    it('requires the admin token', async () => {
      expect(
        (await t.http.post('/v1/sessions', { tenantId: '00000000-0000-4000-8000-000000000000', email: 'a@b.c' }))
          .status,
      ).toBe(401);
      expect((await t.http.post('/v1/sessions/introspect', { token: 'x'.repeat(40) })).status).toBe(401);
    });

    it('answers {"active": false} for unknown, malformed and empty tokens', async () => {
      for (const token of ['rss_' + 'A'.repeat(43), 'short', ''])
        expect(await introspect(token)).toEqual({ active: false });
    });

    it('logs out: the token is inactive at once, a second logout is a no-op, an unknown id is 404', async () => {
      const m = await member();
      const { body } = await createSession(m.f.tenantId, m.email);
      expect((await t.admin.delete(`/v1/sessions/${body.id}`)).status).toBe(204);
      expect(await introspect(body.token)).toEqual({ active: false });
      expect((await t.admin.delete(`/v1/sessions/${body.id}`)).status).toBe(204);
      expect((await t.admin.delete('/v1/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await t.admin.delete('/v1/sessions/garbage')).status).toBe(404);
    });

    it('audits a logout with the member as its subject, so a reviewer finds it by email', async () => {
      const m = await member();
      const { body } = await createSession(m.f.tenantId, m.email);
      expect((await t.admin.delete(`/v1/sessions/${body.id}`)).status).toBe(204);
      await expectEventually(async () => {
        const res = await t.admin.get(
          `/admin/v1/audit-events?tenantId=${m.f.tenantId}&subject=${encodeURIComponent(m.email)}&action=session.terminated`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([
          expect.objectContaining({
            action: 'session.terminated',
            subject: expect.objectContaining({ email: m.email, accountId: m.accountId }),
          }),
        ]);
      });
    });

    it('lists a member’s sessions for the admin', async () => {
      const m = await member();
      const a = await createSession(m.f.tenantId, m.email);
      const b = await createSession(m.f.tenantId, m.email);
      await t.admin.delete(`/v1/sessions/${a.body.id}`);
      const res = await t.admin.get(`/admin/v1/tenants/${m.f.tenantId}/members/${m.accountId}/sessions`);
      expect(res.status).toBe(200);
      const byId = Object.fromEntries(res.body.items.map((s: { id: string }) => [s.id, s]));
      expect(byId[a.body.id]).toMatchObject({ active: false, endReason: 'logout' });
      expect(byId[b.body.id]).toMatchObject({ active: true, endedAt: null });
      expect(JSON.stringify(res.body)).not.toContain(b.body.token);
    });

    it('expires a session after the absolute timeout', async () => {
      const m = await member();
      const { body } = await createSession(m.f.tenantId, m.email);
      await t.dataSource.query(
        `UPDATE sessions.session SET absolute_expires_at = now() - interval '1 second' WHERE id = $1`,
        [body.id],
      );
      expect(await introspect(body.token)).toEqual({ active: false });
    });

    it('expires a session after the idle timeout', async () => {
      const m = await member();
      const { body } = await createSession(m.f.tenantId, m.email);
      await t.dataSource.query(
        `UPDATE sessions.session SET idle_expires_at = now() - interval '1 second' WHERE id = $1`,
        [body.id],
      );
      expect(await introspect(body.token)).toEqual({ active: false });
    });
  });

  describe('deprovisioning ends sessions at once', () => {
    const dialects: Array<
      [string, (s: ScimClient, id: string, user: Record<string, unknown>) => Promise<{ status: number }>]
    > = [
      [
        'PATCH replace active false (boolean)',
        (s, id) => s.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })),
      ],
      [
        'PATCH Replace active "False" (Entra string)',
        (s, id) => s.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })),
      ],
      [
        'PATCH replace active "false" (lower-case string)',
        (s, id) => s.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: 'false' })),
      ],
      [
        'PATCH Add active "False" (rancher#54025)',
        (s, id) => s.patch(`/Users/${id}`, patchOp({ op: 'Add', path: 'active', value: 'False' })),
      ],
      [
        'PATCH path-less {"active": false} (Okta)',
        (s, id) => s.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })),
      ],
      [
        'PATCH path-less URN-keyed object (aadOptscim062020)',
        (s, id) =>
          s.patch(
            `/Users/${id}?aadOptscim062020`,
            patchOp({ op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User:active': false } }),
          ),
      ],
      ['PUT with active false (Okta AIW)', (s, id, user) => s.put(`/Users/${id}`, { ...user, active: false })],
      ['PUT with active "False"', (s, id, user) => s.put(`/Users/${id}`, { ...user, active: 'False' })],
      ['DELETE (hard delete)', (s, id) => s.delete(`/Users/${id}`)],
    ];

    it.each(dialects)(
      '%s: every session of the account in the tenant is ended by the revocation event',
      async (_, deactivate) => {
        const m = await member();
        const user = (await m.scim.get(`/Users/${m.userId}`)).body;
        const sessions = await Promise.all([
          createSession(m.f.tenantId, m.email),
          createSession(m.f.tenantId, m.email),
        ]);
        for (const s of sessions) expect((await introspect(s.body.token)).active).toBe(true);

        const res = await deactivate(m.scim, m.userId, user);
        expect([200, 204]).toContain(res.status);
        await expectEventually(
          async () => {
            for (const s of sessions) expect(await introspect(s.body.token)).toEqual({ active: false });
          },
          10_000,
          10,
        );
        // Ended by the revocation event, not just hidden by the membership check. How fast is
        // measured by `npm run bench -- sessions` (deactivation → session inactive), not asserted here.
        await expectEventually(
          async () => {
            const rows = await t.dataSource.query(
              `SELECT end_reason FROM sessions.session WHERE account_id = $1 AND tenant_id = $2`,
              [m.accountId, m.f.tenantId],
            );
            expect(rows.map((r: { end_reason: string }) => r.end_reason)).toEqual([
              expect.stringMatching(/^membership_revoked:scim_/),
              expect.stringMatching(/^membership_revoked:scim_/),
            ]);
          },
          10_000,
          10,
        );
        // And no new session can be made.
        expect((await createSession(m.f.tenantId, m.email)).status).toBe(403);
      },
    );

    it('leaves the same account’s sessions in another tenant alone', async () => {
      const m = await member();
      const other = await createTenantWithConnection(t.admin, { domain: m.f.domain });
      const otherScim = new ScimClient(t.baseUrl, other);
      const created = await otherScim.post(
        '/Users',
        entraUser({ userName: m.email, emails: [{ type: 'work', value: m.email, primary: true }] }, m.f.domain),
      );
      await linkScimMembership(t.dataSource, {
        tenantId: other.tenantId,
        connectionId: other.connectionId,
        stagedUserId: created.body.id,
        email: m.email,
      });
      const here = await createSession(m.f.tenantId, m.email);
      const there = await createSession(other.tenantId, m.email);
      await m.scim.patch(`/Users/${m.userId}`, patchOp({ op: 'replace', path: 'active', value: false }));
      await expectEventually(
        async () => expect(await introspect(here.body.token)).toEqual({ active: false }),
        10_000,
        10,
      );
      expect((await introspect(there.body.token)).active).toBe(true);
    });

    it('ends sessions when Sync or an admin revokes the membership', async () => {
      const m = await member();
      const s = await createSession(m.f.tenantId, m.email);
      const [membership] = await t.dataSource.query(
        `SELECT id FROM tenancy.membership WHERE account_id = $1 AND tenant_id = $2`,
        [m.accountId, m.f.tenantId],
      );
      await t.app.get(TransactionHost).run(async () => {
        await t.dataSource.query(`UPDATE tenancy.membership SET status = 'revoked' WHERE id = $1`, [membership.id]);
        await t.app.get(EventBus).publish(
          new MembershipRevokedEvent(
            {
              accountId: m.accountId,
              membershipId: membership.id,
              connectionId: m.f.connectionId,
              stagedUserId: m.userId,
              reason: 'sync_deprovisioned',
              syncRunId: null,
            },
            { tenantId: m.f.tenantId },
          ),
        );
      });
      await expectEventually(
        async () => {
          const [row] = await t.dataSource.query(`SELECT end_reason FROM sessions.session WHERE id = $1`, [s.body.id]);
          expect(row.end_reason).toBe('membership_revoked:sync_deprovisioned');
        },
        10_000,
        10,
      );
    });

    it('is idempotent: a redelivered revocation ends nothing twice and publishes no second termination', async () => {
      const m = await member();
      await createSession(m.f.tenantId, m.email);
      await m.scim.patch(`/Users/${m.userId}`, patchOp({ op: 'replace', path: 'active', value: false }));
      const terminated = async () =>
        (
          await t.dataSource.query(
            `SELECT count(*)::int AS n FROM test_outbox_log WHERE event_name = 'sessions.session.terminated' AND payload->>'accountId' = $1`,
            [m.accountId],
          )
        )[0].n;
      await expectEventually(async () => expect(await terminated()).toBe(1), 2000);
      // Redelivery of both events (a lost acknowledgement puts their rows back into the outbox).
      const both = `event_name IN ('staging.user.deactivated', 'tenancy.membership.revoked') AND tenant_id = $1`;
      await expectEventually(
        async () => expect(await deliveredOutboxRows(t.dataSource, both, [m.f.tenantId])).toHaveLength(2),
        2000,
      );
      expect(await redeliverOutboxRows(t.dataSource, both, [m.f.tenantId])).toBe(2);
      await t.drainOutbox();
      await t.drainOutbox();
      expect(await terminated()).toBe(1);
    });

    it('still ends the sessions after a crash between the SCIM commit and the handlers', async () => {
      const m = await member();
      const s = await createSession(m.f.tenantId, m.email);
      const child = spawnCrashChild(join(__dirname, 'deactivate-then-crash.child.ts'), {
        CHILD_DATABASE_URL: t.env.DATABASE_URL!,
        CHILD_PATH: `/scim/v2/${m.f.connectionId}/Users/${m.userId}`,
        CHILD_TOKEN: m.f.token,
        CHILD_BODY: JSON.stringify(patchOp({ op: 'Replace', path: 'active', value: 'False' })),
      });
      const [, status] = await child.waitFor(/DONE (\d+)/);
      expect(status).toBe('204');
      await child.kill();
      // The child committed the deactivation and its event, never relayed; this process delivers it.
      await expectEventually(async () => expect(await introspect(s.body.token)).toEqual({ active: false }), 5000, 20);
      await expectEventually(
        async () => {
          const [row] = await t.dataSource.query(`SELECT end_reason FROM sessions.session WHERE id = $1`, [s.body.id]);
          expect(row.end_reason).toBe('membership_revoked:scim_deactivated');
        },
        5000,
        20,
      );
    }, 60000);
  });
});
