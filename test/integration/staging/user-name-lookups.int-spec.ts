import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { pgPool } from '../../../src/shared/database/sql';
import { TransactionHost } from '../../../src/shared/database/transaction-host';
import { parseFilter } from '../../../src/shared/scim/filter/scim-filter.parser';
import { StagingFacade, type StagedListQuery, type StagingScope } from '../../../src/modules/staging/public';
import { FIND_BY_USER_NAMES_SQL } from '../../../src/modules/staging/infrastructure/staged-user.repository';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { ScimClient } from '../../utils/scim-client';

/**
 * `userName eq` lookups that arrive together share one statement (StatementBatcher): keys of
 * several connections, in any case, found or not, in one `unnest … WITH ORDINALITY` join. Each
 * lookup must get exactly what it would have got alone — its own connection's live user, with its
 * groups, or nothing — and the statements must really be shared (counted at the driver).
 */
describe('batched userName lookups (integration)', () => {
  let t: TestApp;
  let staging: StagingFacade;
  let f: TenantFixture;
  let g: TenantFixture;
  const names = Array.from({ length: 12 }, (_, i) => `look${i}.${randomBytes(3).toString('hex')}`);
  /** userName (lower-cased) → staged id, per connection. */
  const ids = new Map<string, Map<string, string>>();
  let groupId = '';

  const query = (filter: string): StagedListQuery => ({ filter: parseFilter(filter), startIndex: 1, count: 100 });
  const scopeOf = (x: TenantFixture): StagingScope => ({ tenantId: x.tenantId, connectionId: x.connectionId });

  beforeAll(async () => {
    t = await createTestApp();
    staging = t.app.get(StagingFacade);
    // Two tenants with the same domain, so both connections hold the same userNames.
    f = await createTenantWithConnection(t.admin);
    g = await createTenantWithConnection(t.admin, { domain: f.domain });
    for (const fx of [f, g]) {
      const scim = new ScimClient(t.baseUrl, fx);
      const mine = new Map<string, string>();
      for (const [i, name] of names.entries()) {
        // The last name exists only in g; the one before it was deleted in f.
        if (fx === f && i === names.length - 1) continue;
        const r = await scim.post(
          '/Users',
          entraUser({ userName: `${name}@${f.domain}`, externalId: `${fx.connectionId}:${i}` }, f.domain),
        );
        expect(r.status).toBe(201);
        if (fx === f && i === names.length - 2) expect((await scim.delete(`/Users/${r.body.id}`)).status).toBe(204);
        else mine.set(`${name}@${f.domain}`.toLowerCase(), r.body.id);
      }
      ids.set(fx.connectionId, mine);
    }
    const scim = new ScimClient(t.baseUrl, f);
    const group = await scim.post(
      '/Groups',
      entraGroup({
        displayName: 'Lookup Group',
        members: [{ value: ids.get(f.connectionId)!.get(`${names[0]}@${f.domain}`.toLowerCase()) }],
      }),
    );
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('60 concurrent lookups over two connections: few statements, and each lookup its own connection’s user or none', async () => {
    const pool: Pool = pgPool(t.dataSource);
    const spy = jest.spyOn(pool, 'query');
    const plan = Array.from({ length: 60 }, (_, i) => {
      const fx = i % 2 === 0 ? f : g;
      const name = `${names[Math.floor(i / 2) % names.length]}@${f.domain}`; // every name asked of both connections
      // Case varies per lookup: userName is caseExact false (RFC 7643 §4.1.1).
      const asked = i % 3 === 0 ? name.toUpperCase() : i % 3 === 1 ? name : `${name[0].toUpperCase()}${name.slice(1)}`;
      return { fx, name: name.toLowerCase(), asked };
    });
    const pages = await Promise.all(
      plan.map((p) => staging.listUsers(scopeOf(p.fx), query(`userName eq "${p.asked}"`))),
    );
    const statements = spy.mock.calls.filter(
      ([q]) => typeof q === 'object' && String((q as { text: string }).text).includes('WITH ORDINALITY'),
    ).length;
    spy.mockRestore();
    // The first lookup goes alone, the next waits for a free slot (two in flight); the rest share.
    expect(statements).toBeGreaterThanOrEqual(2);
    expect(statements).toBeLessThanOrEqual(6);

    for (const [i, p] of plan.entries()) {
      const expected = ids.get(p.fx.connectionId)!.get(p.name);
      const page = pages[i];
      if (expected === undefined) {
        expect([i, page.totalResults, page.items]).toEqual([i, 0, []]);
        continue;
      }
      expect([i, page.totalResults, page.items.map((u) => u.id)]).toEqual([i, 1, [expected]]);
      const [user] = page.items;
      expect(user.userName.toLowerCase()).toBe(p.name);
      expect(user.externalId).toBe(`${p.fx.connectionId}:${names.indexOf(p.name.split('@')[0])}`);
      expect(user.resource.userName).toBe(user.userName);
      // RFC 7643 §4.1.2 groups, as the unbatched lookup reads them.
      const inGroup = p.fx === f && p.name === `${names[0]}@${f.domain}`.toLowerCase();
      expect(user.groups).toEqual(inGroup ? [{ id: groupId, display: 'Lookup Group' }] : []);
    }
  });

  it('answers what the unbatched path answers: the same record alone, inside a transaction, and with startIndex or sortBy', async () => {
    const name = `${names[0]}@${f.domain}`;
    const accented = `Ärger.${randomBytes(3).toString('hex')}@${f.domain}`;
    expect(
      (await new ScimClient(t.baseUrl, f).post('/Users', entraUser({ userName: accented }, f.domain))).status,
    ).toBe(201);
    // A hit, a miss, a deleted user's name, a non-ASCII name in another case — and a NUL (400).
    const cases = [
      name,
      `nobody@${f.domain}`,
      `${names[names.length - 2]}@${f.domain}`,
      accented.toUpperCase(),
      'a\\u0000b',
    ];
    for (const value of cases) {
      const outcome = (p: Promise<unknown>) =>
        p.then(
          (page) => ({ page }),
          (err: { scimType?: string }) => ({ error: err.scimType }),
        );
      const alone = await outcome(staging.listUsers(scopeOf(f), query(`userName eq "${value}"`)));
      // Inside a transaction (on the transaction's connection) the lookup is the compiled statement.
      const inTx = await outcome(
        t.app.get(TransactionHost).run(() => staging.listUsers(scopeOf(f), query(`userName eq "${value}"`))),
      );
      expect({ value, inTx }).toEqual({ value, inTx: alone });
    }
    const alone = await staging.listUsers(scopeOf(f), query(`userName eq "${name}"`));
    expect(alone.totalResults).toBe(1);
    expect(
      (await staging.listUsers(scopeOf(f), query(`userName eq "${accented.toUpperCase()}"`))).items.map(
        (u) => u.userName,
      ),
    ).toEqual([accented]);
    const sorted = await staging.listUsers(scopeOf(f), {
      ...query(`userName eq "${name}"`),
      sortBy: { attr: 'userName' },
    });
    expect(sorted).toEqual(alone);
    // Page 2 of a single match is empty, and the total still counts the match.
    expect(await staging.listUsers(scopeOf(f), { ...query(`userName eq "${name}"`), startIndex: 2 })).toEqual({
      totalResults: 1,
      items: [],
    });
    expect(await staging.listUsers(scopeOf(f), { ...query(`userName eq "${name}"`), count: 0 })).toEqual({
      totalResults: 1,
      items: [],
    });
  });

  it('probes the live-userName index once per key — also in the generic plan a prepared statement keeps, on a table of a few hundred rows', async () => {
    // A plain join planned as a hash join over a seq scan here; kept by the prepared statement, that
    // plan would scan the whole table for every batch as an initial load grows it to millions.
    await t.dataSource.query(
      `INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, resource)
       SELECT gen_random_uuid(), $1, $2, 'plan' || i || '@' || $3, '{}' FROM generate_series(1, 600) AS i`,
      [f.tenantId, f.connectionId, f.domain],
    );
    await t.dataSource.query('ANALYZE staging.scim_user');
    const client = await pgPool(t.dataSource).connect();
    try {
      await client.query(`SET plan_cache_mode = force_generic_plan`);
      await client.query(`PREPARE lookup_plan AS ${FIND_BY_USER_NAMES_SQL}`);
      const arr = (v: string) => client.escapeLiteral(`{"${v}"}`);
      const { rows } = await client.query(
        `EXPLAIN (FORMAT JSON) EXECUTE lookup_plan(${arr(f.tenantId)}, ${arr(f.connectionId)}, ${arr(`plan1@${f.domain}`)})`,
      );
      const nodes: Array<Record<string, unknown>> = [];
      const walk = (n: Record<string, unknown>) => {
        nodes.push(n);
        for (const c of (n.Plans as Array<Record<string, unknown>>) ?? []) walk(c);
      };
      walk(rows[0]['QUERY PLAN'][0].Plan);
      const onUsers = nodes
        .filter((n) => n['Relation Name'] === 'scim_user')
        .map((n) => [n['Node Type'], n['Index Name']]);
      expect(onUsers).toEqual([['Index Scan', 'scim_user__connection_id_user_name__uq']]);
      expect(nodes.map((n) => n['Node Type'])).not.toContain('Hash Join');
    } finally {
      // Discarded, not handed back to the app's pool: it carries a changed plan_cache_mode and a PREPAREd statement.
      client.release(true);
    }
  });
});
