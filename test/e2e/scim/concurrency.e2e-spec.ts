import { randomBytes } from 'node:crypto';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { patchOp, ScimClient } from '../../utils/scim-client';
import { assertScimContract } from '../../utils/scim-envelope';

/**
 * Concurrency over real HTTP and PostgreSQL: simultaneous requests on one resource must serialise
 * (row locks, the unique index) — exactly one winner where the RFC says so, no lost update, one
 * version per effective change and the outbox events of every change.
 */

const TEST_TIMEOUT_MS = 60_000;

interface OutboxRow {
  id: string;
  event_name: string;
  correlation_id: string | null;
  payload: Record<string, unknown>;
}

/** Every request carries its own x-request-id, which becomes the correlation id of its events. */
const requestId = (tag: string, i: number) => `conc-${tag}-${i}`;

/** Varies the case of `s` per request: the uniqueness of userName is case-insensitive (RFC 7643 §4.1.1). */
function recase(s: string, i: number): string {
  return [...s].map((c, k) => (((k + i) >> (i % 3)) % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
}

function statuses(results: HttpResult[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe('SCIM concurrency: simultaneous requests on one resource', () => {
  let t: TestApp;
  let f: TenantFixture;
  let scim: ScimClient;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
    scim = new ScimClient(t.baseUrl, f);
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  }, TEST_TIMEOUT_MS);

  const outboxFor = (key: 'stagedUserId' | 'stagedGroupId', id: string) =>
    t.dataSource.query<OutboxRow[]>(
      `SELECT id, event_name, correlation_id, payload FROM test_outbox_log WHERE payload->>'${key}' = $1 ORDER BY id`,
      [id],
    );

  const liveRows = async (connectionId: string, userName: string) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM staging.scim_user WHERE connection_id = $1 AND lower(user_name) = lower($2) AND deleted_at IS NULL`,
          [connectionId, userName],
        )
      )[0].n,
    );

  it(
    '50 parallel POST /Users with one userName in varying case → exactly one 201, 49 × 409 uniqueness, one live row',
    async () => {
      const userName = `race.${randomBytes(4).toString('hex')}@${f.domain}`;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          scim.post('/Users', entraUser({ userName: recase(userName, i), externalId: `ext-${i}` }, f.domain)),
        ),
      );
      expect(statuses(results)).toEqual({ 201: 1, 409: 49 });
      for (const r of results.filter((x) => x.status === 409)) {
        assertScimContract(
          r,
          'POST /Users (duplicate)',
          r.body.scimType === 'uniqueness' ? [] : ['409 without scimType uniqueness'],
        );
      }
      const winner = results.find((r) => r.status === 201)!;
      expect(await liveRows(f.connectionId, userName)).toBe(1);
      // The row is the winner's, and only the winner published a created event.
      const [row] = await t.dataSource.query(`SELECT id, external_id FROM staging.scim_user WHERE id = $1`, [
        winner.body.id,
      ]);
      expect(row.external_id).toBe(winner.body.externalId);
      const created = (await outboxFor('stagedUserId', winner.body.id)).filter(
        (e) => e.event_name === 'staging.user.created',
      );
      expect(created).toHaveLength(1);
      const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`);
      expect(found.body.totalResults).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '60 parallel creates over two connections share statements, yet each gets its own user, event and error',
    async () => {
      // Concurrent creates are written in shared statements (StatementBatcher): nothing of one request may leak into another's.
      const f2 = await createTenantWithConnection(t.admin);
      const scim2 = new ScimClient(t.baseUrl, f2);
      const taken = `taken.${randomBytes(4).toString('hex')}@${f.domain}`;
      expect((await scim.post('/Users', entraUser({ userName: taken }, f.domain))).status).toBe(201);
      const plan = Array.from({ length: 60 }, (_, i) => {
        const client = i % 2 === 0 ? scim : scim2;
        const fx = i % 2 === 0 ? f : f2;
        // Every tenth request (all in the first connection) asks for a userName that is already taken there.
        const userName = i % 10 === 0 ? recase(taken, i) : `burst${i}.${randomBytes(3).toString('hex')}@${fx.domain}`;
        return {
          client,
          fx,
          userName,
          externalId: `burst-ext-${i}`,
          rid: requestId(`burst-${fx.connectionId.slice(-6)}`, i),
        };
      });
      const results = await Promise.all(
        plan.map((p) =>
          p.client.post('/Users', entraUser({ userName: p.userName, externalId: p.externalId }, p.fx.domain), {
            'x-request-id': p.rid,
          }),
        ),
      );
      for (const [i, p] of plan.entries()) {
        const r = results[i];
        if (i % 10 === 0) {
          expect([i, r.status, r.body.scimType]).toEqual([i, 409, 'uniqueness']);
          continue;
        }
        expect([i, r.status]).toEqual([i, 201]);
        expect(r.body.userName).toBe(p.userName);
        expect(r.body.externalId).toBe(p.externalId);
        expect(r.headers.get('location')).toBe(r.body.meta.location);
        const [row] = await t.dataSource.query(
          `SELECT connection_id, user_name, external_id FROM staging.scim_user WHERE id = $1`,
          [r.body.id],
        );
        expect(row).toEqual({ connection_id: p.fx.connectionId, user_name: p.userName, external_id: p.externalId });
        const events = await outboxFor('stagedUserId', r.body.id);
        expect(events.map((e) => [e.event_name, e.correlation_id, e.payload.connectionId])).toEqual([
          ['staging.user.created', p.rid, p.fx.connectionId],
        ]);
        // Read back through its own connection only.
        expect((await p.client.get(`/Users/${r.body.id}`)).status).toBe(200);
        expect((await (p.client === scim ? scim2 : scim).get(`/Users/${r.body.id}`)).status).toBe(404);
      }
      expect(await liveRows(f.connectionId, taken)).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '60 parallel `userName eq` lookups over two connections share statements, yet each finds only its own connection’s user',
    async () => {
      // Entra's and Okta's pre-create lookup; concurrent ones are answered by shared statements (StatementBatcher).
      const g = await createTenantWithConnection(t.admin, { domain: f.domain });
      const other = new ScimClient(t.baseUrl, g);
      const names = Array.from({ length: 6 }, (_, i) => `lookup${i}.${randomBytes(3).toString('hex')}@${f.domain}`);
      const ids = new Map<ScimClient, string[]>();
      for (const client of [scim, other]) {
        // The last name is staged only on the second connection.
        const created = await Promise.all(
          names
            .slice(0, client === scim ? -1 : undefined)
            .map((userName) => client.post('/Users', entraUser({ userName }, f.domain))),
        );
        expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
        ids.set(
          client,
          created.map((r) => r.body.id),
        );
      }
      const plan = Array.from({ length: 60 }, (_, i) => ({
        client: i % 2 === 0 ? scim : other,
        k: Math.floor(i / 2) % names.length,
        i,
      }));
      const results = await Promise.all(
        plan.map(({ client, k, i }) =>
          client.get(`/Users?filter=${encodeURIComponent(`userName eq "${recase(names[k], i)}"`)}`),
        ),
      );
      for (const { client, k, i } of plan) {
        const r = results[i];
        expect([i, r.status]).toEqual([i, 200]);
        const expected = ids.get(client)![k];
        expect([i, r.body.totalResults, r.body.Resources.map((u: { id: string }) => u.id)]).toEqual(
          expected ? [i, 1, [expected]] : [i, 0, []],
        );
        if (expected)
          expect(r.body.Resources[0].meta.location).toMatch(new RegExp(`${client.prefix}/Users/${expected}$`));
      }
      // A value PostgreSQL text cannot hold is the filter's fault (400), on the batched path too — escaped or raw.
      for (const filter of ['userName eq "a\\u0000b"', 'userName eq "a\u0000b"']) {
        const nul = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
        expect([nul.status, nul.body.scimType]).toEqual([400, 'invalidFilter']);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a userName freed by DELETE can be taken again, by exactly one of many racing creates',
    async () => {
      const userName = `reuse.${randomBytes(4).toString('hex')}@${f.domain}`;
      const first = await scim.post('/Users', entraUser({ userName }, f.domain));
      expect(first.status).toBe(201);
      expect((await scim.delete(`/Users/${first.body.id}`)).status).toBe(204);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          scim.post('/Users', entraUser({ userName: recase(userName, i) }, f.domain)),
        ),
      );
      expect(statuses(results)).toEqual({ 201: 1, 409: 19 });
      expect(await liveRows(f.connectionId, userName)).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '20 parallel PATCHes adding different members to one group → all 204, every member present, one version per change',
    async () => {
      const users = await Promise.all(Array.from({ length: 20 }, () => scim.post('/Users', entraUser({}, f.domain))));
      expect(users.every((u) => u.status === 201)).toBe(true);
      const group = await scim.post('/Groups', entraGroup());
      expect(group.status).toBe(201);
      const gid = group.body.id as string;
      const results = await Promise.all(
        users.map((u, i) =>
          scim.patch(
            `/Groups/${gid}`,
            patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: u.body.id }] }),
            {
              'x-request-id': requestId(`gm-${gid.slice(0, 8)}`, i),
            },
          ),
        ),
      );
      expect(statuses(results)).toEqual({ 204: 20 });
      const got = await scim.get(`/Groups/${gid}`);
      expect(got.status).toBe(200);
      expect((got.body.members as Array<{ value: string }>).map((m) => m.value).sort()).toEqual(
        users.map((u) => u.body.id).sort(),
      );
      // Created at version 1; each PATCH added one member → 20 more versions, none lost.
      expect(got.body.meta.version).toBe('W/"21"');
      const events = (await outboxFor('stagedGroupId', gid)).filter(
        (e) => e.event_name === 'staging.group.membership_changed',
      );
      expect(events).toHaveLength(20);
      expect(events.flatMap((e) => e.payload.added as string[]).sort()).toEqual(users.map((u) => u.body.id).sort());
      expect(new Set(events.map((e) => e.correlation_id))).toEqual(
        new Set(users.map((_, i) => requestId(`gm-${gid.slice(0, 8)}`, i))),
      );
      // Each user sees the group (RFC 7643 §4.1.2 `groups`).
      const member = await scim.get(`/Users/${users[7].body.id}`);
      expect(member.body.groups).toEqual([expect.objectContaining({ value: gid })]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '20 parallel PATCHes flipping active and renaming one user (+5 no-ops) → all 204, versions sequential, every change with its events',
    async () => {
      const created = await scim.post('/Users', entraUser({ title: 'Engineer' }, f.domain));
      expect(created.status).toBe(201);
      const uid = created.body.id as string;
      const tag = `u-${uid.slice(0, 8)}`;
      const effective = Array.from({ length: 20 }, (_, i) => ({
        i,
        active: i % 2 === 0 ? 'False' : 'True', // Entra sends strings (idp-dialects #15)
        displayName: `Concurrent ${i}`,
      }));
      const noOps = Array.from({ length: 5 }, (_, k) => 20 + k);
      const results = await Promise.all([
        ...effective.map(({ i, active, displayName }) =>
          scim.patch(
            `/Users/${uid}`,
            patchOp(
              { op: 'Replace', path: 'active', value: active },
              { op: 'Replace', path: 'displayName', value: displayName },
            ),
            { 'x-request-id': requestId(tag, i) },
          ),
        ),
        // Re-sending a value the user already has changes nothing: no version, no event.
        ...noOps.map((i) =>
          scim.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'title', value: 'Engineer' }), {
            'x-request-id': requestId(tag, i),
          }),
        ),
      ]);
      expect(statuses(results)).toEqual({ 204: 25 });

      const events = await outboxFor('stagedUserId', uid);
      const updates = events.filter((e) => e.event_name === 'staging.user.updated');
      // One update per effective PATCH, none for the no-ops.
      expect(updates.map((e) => e.correlation_id).sort()).toEqual(effective.map(({ i }) => requestId(tag, i)).sort());
      const final = await scim.get(`/Users/${uid}`);
      expect(final.body.meta.version).toBe(`W/"${1 + updates.length}"`);
      expect(final.headers.get('etag')).toBe(`W/"${1 + updates.length}"`);

      // Replay in commit order (the outbox id follows the row lock): deactivation/reactivation events
      // must match exactly the transitions of that order, and the last writer's values must be visible.
      let active = true;
      let last: (typeof effective)[number] | undefined;
      for (const u of updates) {
        const patch = effective.find(({ i }) => requestId(tag, i) === u.correlation_id)!;
        const next = patch.active === 'True';
        const sameRequest = events.filter((e) => e.correlation_id === u.correlation_id).map((e) => e.event_name);
        const expected = ['staging.user.updated'];
        if (active && !next) expected.push('staging.user.deactivated');
        if (!active && next) expected.push('staging.user.reactivated');
        expect({ request: u.correlation_id, events: sameRequest.sort() }).toEqual({
          request: u.correlation_id,
          events: expected.sort(),
        });
        expect(u.payload.changedAttributes).toEqual(expect.arrayContaining(['displayName']));
        active = next;
        last = patch;
      }
      expect(final.body.displayName).toBe(last!.displayName);
      expect(final.body.active).toBe(last!.active === 'True');
      expect(final.body.title).toBe('Engineer');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'parallel PATCHes with the same If-Match version → exactly one 204, the rest 412',
    async () => {
      const created = await scim.post('/Users', entraUser({}, f.domain));
      const uid = created.body.id as string;
      const etag = created.headers.get('etag')!;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'nickName', value: `n${i}` }), {
            'if-match': etag,
          }),
        ),
      );
      expect(statuses(results)).toEqual({ 204: 1, 412: 9 });
      for (const r of results.filter((x) => x.status === 412)) assertScimContract(r, 'PATCH with a stale If-Match');
      expect((await scim.get(`/Users/${uid}`)).body.meta.version).toBe('W/"2"');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'parallel DELETE of one user → one 204, the rest 404, one deleted event',
    async () => {
      const created = await scim.post('/Users', entraUser({}, f.domain));
      const uid = created.body.id as string;
      const results = await Promise.all(Array.from({ length: 10 }, () => scim.delete(`/Users/${uid}`)));
      expect(statuses(results)).toEqual({ 204: 1, 404: 9 });
      for (const r of results.filter((x) => x.status === 404)) assertScimContract(r, 'DELETE of a deleted user');
      expect((await scim.get(`/Users/${uid}`)).status).toBe(404);
      expect(
        (await outboxFor('stagedUserId', uid)).filter((e) => e.event_name === 'staging.user.deleted'),
      ).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'parallel DELETE of one group → one 204, the rest 404',
    async () => {
      const created = await scim.post('/Groups', entraGroup());
      const gid = created.body.id as string;
      const results = await Promise.all(Array.from({ length: 10 }, () => scim.delete(`/Groups/${gid}`)));
      expect(statuses(results)).toEqual({ 204: 1, 404: 9 });
      expect(
        (await outboxFor('stagedGroupId', gid)).filter((e) => e.event_name === 'staging.group.deleted'),
      ).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'PATCH racing DELETE on one user → the PATCH either lands before the delete or gets 404; never a 5xx or a resurrected user',
    async () => {
      const created = await scim.post('/Users', entraUser({}, f.domain));
      const uid = created.body.id as string;
      const results = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) =>
          scim.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'nickName', value: `n${i}` })),
        ),
        scim.delete(`/Users/${uid}`),
        ...Array.from({ length: 8 }, (_, i) =>
          scim.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'active', value: i % 2 === 0 })),
        ),
      ]);
      for (const r of results) expect([204, 404]).toContain(r.status);
      expect(results[8].status).toBe(204);
      expect((await scim.get(`/Users/${uid}`)).status).toBe(404);
      expect(await liveRows(f.connectionId, created.body.userName)).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'parallel POST of one userName on two different connections → one 201 on each',
    async () => {
      const g = await createTenantWithConnection(t.admin, { domain: f.domain });
      const other = new ScimClient(t.baseUrl, g);
      const userName = `both.${randomBytes(4).toString('hex')}@${f.domain}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? scim : other).post('/Users', entraUser({ userName: recase(userName, i) }, f.domain)),
        ),
      );
      const mine = results.filter((_, i) => i % 2 === 0);
      const theirs = results.filter((_, i) => i % 2 === 1);
      expect(statuses(mine)).toEqual({ 201: 1, 409: 9 });
      expect(statuses(theirs)).toEqual({ 201: 1, 409: 9 });
      expect(await liveRows(f.connectionId, userName)).toBe(1);
      expect(await liveRows(g.connectionId, userName)).toBe(1);
      // A single pair, too: neither create waits on or conflicts with the other.
      const single = `pair.${randomBytes(4).toString('hex')}@${f.domain}`;
      const pair = await Promise.all([
        scim.post('/Users', entraUser({ userName: single }, f.domain)),
        other.post('/Users', entraUser({ userName: single }, f.domain)),
      ]);
      expect(pair.map((r) => r.status)).toEqual([201, 201]);
    },
    TEST_TIMEOUT_MS,
  );
});
