import { randomUUID } from 'node:crypto';
import { entraGroup, entraUser } from '../../factories/scim-user-payload.factory';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import type { HttpResult } from '../../utils/http-client';
import { ScimClient } from '../../utils/scim-client';
import { expectScimContentType, expectScimError, expectStatus, LIST_RESPONSE_URN } from '../../utils/scim-expect';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

type Resource = Record<string, any>;

const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;
const ids = (res: { body: { Resources: Resource[] } }) => res.body.Resources.map((r) => r.id as string);
const userNames = (res: { body: { Resources: Resource[] } }) =>
  res.body.Resources.map((r) => r.userName as string).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh connection and its client: list tests must see exactly their own users. */
async function freshConnection(t: TestApp): Promise<{ f: TenantFixture; scim: ScimClient }> {
  const f = await createTenantWithConnection(t.admin);
  return { f, scim: new ScimClient(t.baseUrl, f) };
}

async function createUser(scim: ScimClient, body: Record<string, unknown>): Promise<Resource> {
  const res = await scim.post('/Users', body);
  expectStatus(res, 201);
  return res.body;
}

/** RFC 7644 §3.4.2: a ListResponse with integer counters and a Resources array, always. */
function expectListResponse(res: HttpResult, totalResults?: number): void {
  expectStatus(res, 200);
  expectScimContentType(res);
  expect(res.body.schemas).toEqual([LIST_RESPONSE_URN]);
  expect(Number.isInteger(res.body.totalResults)).toBe(true);
  expect(Number.isInteger(res.body.startIndex)).toBe(true);
  expect(Number.isInteger(res.body.itemsPerPage)).toBe(true);
  expect(Array.isArray(res.body.Resources)).toBe(true);
  expect(res.body.itemsPerPage).toBe(res.body.Resources.length);
  if (totalResults !== undefined) expect(res.body.totalResults).toBe(totalResults);
}

describe('SCIM lists, filters and projections (RFC 7644 §3.4)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('ListResponse shape', () => {
    it('returns Resources as [] and integer counters on an empty list', async () => {
      const { scim } = await freshConnection(t);
      const res = await scim.get('/Users');
      expectListResponse(res, 0);
      expect(res.text).toContain('"Resources":[]');
      expect(res.body).toEqual({
        schemas: [LIST_RESPONSE_URN],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
      const groups = await scim.get('/Groups');
      expectListResponse(groups, 0);
      expect(groups.body.Resources).toEqual([]);
    });

    it('answers a filter miss (Entra Test Connection probe) with 200 and an empty ListResponse', async () => {
      const { scim } = await freshConnection(t);
      await createUser(scim, entraUser());
      // idp-dialects #1: Entra queries its matching attribute with a random GUID and expects 200 + empty list, not 404.
      const res = await scim.get(`/Users?${q(`userName eq "${randomUUID()}"`)}`);
      expectListResponse(res, 0);
      expect(res.body.Resources).toEqual([]);
      const groups = await scim.get(`/Groups?excludedAttributes=members&${q(`displayName eq "${randomUUID()}"`)}`);
      expectListResponse(groups, 0);
    });

    it('answers count=0 with totalResults and no Resources', async () => {
      const { scim } = await freshConnection(t);
      for (let i = 0; i < 3; i++) await createUser(scim, entraUser());
      const res = await scim.get('/Users?count=0');
      expectListResponse(res, 3);
      expect(res.body.Resources).toEqual([]);
      expect(res.body.itemsPerPage).toBe(0);
    });

    it('treats a negative count as 0 (RFC 7644 §3.4.2.4)', async () => {
      const { scim } = await freshConnection(t);
      await createUser(scim, entraUser());
      const res = await scim.get('/Users?count=-5');
      expectListResponse(res, 1);
      expect(res.body.Resources).toEqual([]);
    });

    it('answers a startIndex past the end with the total and no Resources', async () => {
      const { scim } = await freshConnection(t);
      await createUser(scim, entraUser());
      const res = await scim.get('/Users?startIndex=50&count=10');
      expectListResponse(res, 1);
      expect(res.body.startIndex).toBe(50);
      expect(res.body.Resources).toEqual([]);
    });
  });

  describe('paging (RFC 7644 §3.4.2.4)', () => {
    let scim: ScimClient;
    let created: string[];

    beforeAll(async () => {
      ({ scim } = await freshConnection(t));
      created = [];
      for (let i = 0; i < 25; i++) created.push((await createUser(scim, entraUser())).id);
    });

    it('pages by startIndex/count stably and completely (25 users, pages of 10)', async () => {
      const seen: string[] = [];
      for (const startIndex of [1, 11, 21]) {
        const res = await scim.get(`/Users?startIndex=${startIndex}&count=10`);
        expectListResponse(res, 25);
        expect(res.body.startIndex).toBe(startIndex);
        expect(res.body.itemsPerPage).toBe(startIndex === 21 ? 5 : 10);
        seen.push(...ids(res));
      }
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort()).toEqual([...created].sort());
      // Stable: the same page twice gives the same ids in the same order.
      const again = await scim.get('/Users?startIndex=11&count=10');
      expect(ids(again)).toEqual(seen.slice(10, 20));
    });

    it('pages in a stable order while the users are modified between pages', async () => {
      const first = await scim.get('/Users?startIndex=1&count=10');
      // Okta pages with +100 while an admin edits users: the ordering must not depend on lastModified.
      for (const id of ids(first).slice(0, 3)) {
        const patch = await scim.patch(`/Users/${id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: `t-${randomUUID()}` }],
        });
        expectStatus(patch, 204);
      }
      const second = await scim.get('/Users?startIndex=11&count=10');
      const third = await scim.get('/Users?startIndex=21&count=10');
      const all = [...ids(first), ...ids(second), ...ids(third)];
      expect(new Set(all).size).toBe(25);
    });

    it.each([0, -3])('treats startIndex=%i as 1', async (startIndex) => {
      const [res, one] = await Promise.all([
        scim.get(`/Users?startIndex=${startIndex}&count=5`),
        scim.get('/Users?startIndex=1&count=5'),
      ]);
      expectListResponse(res, 25);
      expect(res.body.startIndex).toBe(1);
      expect(ids(res)).toEqual(ids(one));
    });

    it('returns at most 100 by default without count', async () => {
      const res = await scim.get('/Users');
      expectListResponse(res, 25);
      expect(res.body.Resources).toHaveLength(25);
    });

    it('accepts query parameter names in any case', async () => {
      const res = await scim.get('/Users?STARTINDEX=21&Count=10');
      expectListResponse(res, 25);
      expect(res.body.startIndex).toBe(21);
      expect(res.body.Resources).toHaveLength(5);
    });
  });

  describe('sorting (RFC 7644 §3.4.2.3)', () => {
    let scim: ScimClient;
    beforeAll(async () => {
      ({ scim } = await freshConnection(t));
      for (const userName of [
        'charlie@sort.example',
        'Alpha@sort.example',
        'bravo@sort.example',
        'delta@sort.example',
      ]) {
        await createUser(scim, entraUser({ userName }));
      }
    });

    it('sorts by userName ascending, case-insensitively (userName is caseExact false)', async () => {
      const res = await scim.get('/Users?sortBy=userName');
      expectListResponse(res, 4);
      expect(res.body.Resources.map((r: Resource) => r.userName)).toEqual([
        'Alpha@sort.example',
        'bravo@sort.example',
        'charlie@sort.example',
        'delta@sort.example',
      ]);
      const explicit = await scim.get('/Users?sortBy=userName&sortOrder=ascending');
      expect(ids(explicit)).toEqual(ids(res));
    });

    it('sorts by userName descending', async () => {
      const res = await scim.get('/Users?sortBy=userName&sortOrder=descending');
      expect(res.body.Resources.map((r: Resource) => r.userName)).toEqual([
        'delta@sort.example',
        'charlie@sort.example',
        'bravo@sort.example',
        'Alpha@sort.example',
      ]);
    });

    it('sorts then pages (sortBy applies before startIndex/count)', async () => {
      const res = await scim.get('/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2');
      expect(res.body.Resources.map((r: Resource) => r.userName)).toEqual([
        'charlie@sort.example',
        'bravo@sort.example',
      ]);
    });
  });

  describe('filters over HTTP (RFC 7644 §3.4.2.2)', () => {
    let f: TenantFixture;
    let scim: ScimClient;
    const users: Record<string, Resource> = {};

    beforeAll(async () => {
      ({ f, scim } = await freshConnection(t));
      const seed: Array<[string, Record<string, unknown>]> = [
        [
          'alice',
          {
            userName: 'alice.anders@acme.example',
            externalId: 'ext-alice',
            title: 'Engineer',
            name: { givenName: 'Alice', familyName: 'Anders' },
            emails: [
              { type: 'work', value: 'alice.anders@acme.example', primary: true },
              { type: 'home', value: 'alice@home.example' },
            ],
            [ENTERPRISE]: { employeeNumber: '1', department: 'R&D' },
          },
        ],
        [
          'bob',
          {
            userName: 'bob.brown@acme.example',
            externalId: 'ext-bob',
            active: false,
            title: null,
            name: { givenName: 'Bob', familyName: 'Brown' },
            emails: [{ type: 'work', value: 'bob@contoso.example', primary: true }],
            [ENTERPRISE]: { employeeNumber: '2' },
          },
        ],
        [
          'carol',
          {
            userName: 'carol.clark@other.example',
            externalId: 'ext-carol',
            title: 'Manager',
            name: { givenName: 'Carol', familyName: 'Clark' },
            emails: [{ type: 'home', value: 'carol@acme.example' }],
            [ENTERPRISE]: { employeeNumber: '3' },
          },
        ],
        [
          'oscar',
          {
            userName: 'Oscar.Olsen@acme.example',
            externalId: 'ext-oscar',
            title: null,
            name: { givenName: 'Oscar', familyName: 'Olsen' },
            emails: [{ type: 'work', value: 'oscar@acme.example' }],
            [ENTERPRISE]: { employeeNumber: '4' },
          },
        ],
      ];
      for (const [key, overrides] of seed) users[key] = await createUser(scim, entraUser(overrides));
    });

    const names = (...keys: string[]) => keys.map((k) => users[k].userName as string).sort();

    it.each([
      ['eq', 'userName eq "alice.anders@acme.example"', ['alice']],
      ['eq, case-insensitive value', 'userName eq "ALICE.ANDERS@ACME.EXAMPLE"', ['alice']],
      ['ne', 'userName ne "alice.anders@acme.example"', ['bob', 'carol', 'oscar']],
      ['co', 'userName co "anders"', ['alice']],
      ['sw', 'userName sw "bob"', ['bob']],
      ['ew', 'userName ew "@other.example"', ['carol']],
      ['pr', 'title pr', ['alice', 'carol']],
      ['gt (code-point order, case-insensitive)', 'userName gt "bob"', ['bob', 'carol', 'oscar']],
      ['ge', 'userName ge "carol.clark@other.example"', ['carol', 'oscar']],
      ['lt', 'userName lt "bob"', ['alice']],
      ['le', 'userName le "bob.brown@acme.example"', ['alice', 'bob']],
      ['and', 'title eq "Engineer" and active eq true', ['alice']],
      ['or', 'title eq "Manager" or userName sw "bob"', ['bob', 'carol']],
      ['not', 'not (userName sw "a")', ['bob', 'carol', 'oscar']],
      ['not over an absent attribute', 'not (title pr)', ['bob', 'oscar']],
      [
        'parentheses override and-before-or',
        '(userName sw "alice" or userName sw "carol") and active eq true',
        ['alice', 'carol'],
      ],
      ['and binds tighter than or', 'userName sw "alice" or userName sw "carol" and active eq false', ['alice']],
      ['boolean attribute', 'active eq false', ['bob']],
      ['complex value filter', 'emails[type eq "work" and value co "@acme"]', ['alice', 'oscar']],
      ['Entra value-path filter', 'emails[type eq "work"].value eq "bob@contoso.example"', ['bob']],
      ['multi-valued sub-attribute', 'emails.value ew "@home.example"', ['alice']],
      ['sub-attribute', 'name.givenName eq "carol"', ['carol']],
      ['URN-qualified extension attribute', `${ENTERPRISE}:employeeNumber eq "1"`, ['alice']],
      ['URN-qualified core attribute', `${CORE_USER}:userName eq "bob.brown@acme.example"`, ['bob']],
      ['case-insensitive attribute name and operator', 'USERNAME Eq "alice.anders@acme.example"', ['alice']],
      ['case-insensitive sub-attribute name', 'NAME.GIVENNAME eq "Oscar"', ['oscar']],
      ['unquoted value', 'userName sw O', ['oscar']],
      ['externalId eq', 'externalId eq "ext-bob"', ['bob']],
      ['eq on a value nobody has', 'userName eq "nobody@acme.example"', []],
      [
        'Entra matching attribute joined with and',
        'userName eq "bob.brown@acme.example" and emails[type eq "work"].value eq "bob@contoso.example"',
        ['bob'],
      ],
      ['co with a LIKE wildcard taken literally', 'userName co "%"', []],
      ['co with an underscore taken literally', 'userName co "_"', []],
      ['an escaped quote in a string', 'userName eq "o\\"brien@acme.example"', []],
    ])('filters with %s: %s', async (_, filter, expected) => {
      const res = await scim.get(`/Users?${q(filter)}`);
      expectListResponse(res, expected.length);
      expect(userNames(res)).toEqual(names(...expected));
    });

    it('filters by id eq, and answers a non-UUID id with an empty list (not 400/500)', async () => {
      const res = await scim.get(`/Users?${q(`id eq "${users.carol.id}"`)}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([users.carol.id]);
      const upper = await scim.get(`/Users?${q(`id eq "${(users.carol.id as string).toUpperCase()}"`)}`);
      expect(ids(upper)).toEqual([users.carol.id]);
      for (const value of ['not-a-uuid', "' OR 1=1 --"]) {
        const miss = await scim.get(`/Users?${q(`id eq "${value}"`)}`);
        expectListResponse(miss, 0);
      }
    });

    it('pages a unique-key lookup like any list: startIndex past it, count=0, a deleted namesake', async () => {
      const own = await freshConnection(t);
      const gone = await createUser(own.scim, entraUser({ userName: 'dana.dale@acme.example' }));
      expectStatus(await own.scim.delete(`/Users/${gone.id}`), 204);
      const live = await createUser(own.scim, entraUser({ userName: 'Dana.Dale@acme.example' }));
      const lookup = q('userName eq "dana.dale@ACME.example"');
      const first = await own.scim.get(`/Users?${lookup}`);
      expectListResponse(first, 1);
      expect(ids(first)).toEqual([live.id]);
      expect(first.body.Resources[0].meta.location).toMatch(new RegExp(`/Users/${live.id}$`));
      const past = await own.scim.get(`/Users?${lookup}&startIndex=2`);
      expectListResponse(past, 1);
      expect(past.body.Resources).toEqual([]);
      expect(past.body.startIndex).toBe(2);
      const counted = await own.scim.get(`/Users?${lookup}&count=0`);
      expectListResponse(counted, 1);
      expect(counted.body.Resources).toEqual([]);
      expectListResponse(await own.scim.get(`/Users?${q(`id eq "${gone.id}"`)}`), 0);
      const projected = await own.scim.get(`/Users?${lookup}&attributes=userName`);
      expect(Object.keys(projected.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    });

    it('finds a userName holding a quote and SQL syntax by eq (values are bound, never spliced)', async () => {
      const own = await freshConnection(t);
      const userName = "o'brien;DROP TABLE x--@acme.example";
      const created = await createUser(own.scim, entraUser({ userName }));
      const res = await own.scim.get(`/Users?${q(`userName eq "${userName}"`)}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([created.id]);
    });

    it('filters by meta.created gt a timestamp', async () => {
      const own = await freshConnection(t);
      const first = await createUser(own.scim, entraUser());
      await sleep(15);
      const second = await createUser(own.scim, entraUser());
      const res = await own.scim.get(`/Users?${q(`meta.created gt "${first.meta.created}"`)}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([second.id]);
      const ge = await own.scim.get(`/Users?${q(`meta.created ge "${first.meta.created}"`)}`);
      expect(ids(ge).sort()).toEqual([first.id, second.id].sort());
    });

    it('filters by meta.lastModified with 7 fractional digits (Entra)', async () => {
      const own = await freshConnection(t);
      const first = await createUser(own.scim, entraUser());
      await sleep(15);
      const second = await createUser(own.scim, entraUser());
      // 2024-01-01T00:00:00.123Z → 2024-01-01T00:00:00.1230000Z
      const sevenDigits = (iso: string) => iso.replace(/\.(\d{3})Z$/, '.$10000Z');
      const ts = sevenDigits(first.meta.lastModified);
      expect(ts).toMatch(/\.\d{7}Z$/);
      const gt = await own.scim.get(`/Users?${q(`meta.lastModified gt "${ts}"`)}`);
      expectListResponse(gt, 1);
      expect(ids(gt)).toEqual([second.id]);
      const ge = await own.scim.get(`/Users?${q(`meta.lastmodified ge "${ts}"`)}`);
      expect(ids(ge).sort()).toEqual([first.id, second.id].sort());
      const lt = await own.scim.get(`/Users?${q(`meta.lastModified lt "${sevenDigits(second.meta.lastModified)}"`)}`);
      expect(ids(lt)).toEqual([first.id]);
      const eq = await own.scim.get(`/Users?${q(`meta.lastModified eq "${ts}"`)}`);
      expect(ids(eq)).toEqual([first.id]);
    });

    it.each([
      ['a missing value', 'userName eq'],
      ['an unknown operator', 'userName zz "x"'],
      ['an unbalanced parenthesis', '(userName eq "x"'],
      ['an unterminated string', 'userName eq "unterminated'],
      ['an unknown attribute', 'noSuchAttribute eq "x"'],
      ['a dangling and', 'userName eq "x" and'],
      ['gt with null', 'userName gt null'],
    ])('refuses a malformed filter (%s) with 400 invalidFilter', async (_, filter) => {
      expectScimError(await scim.get(`/Users?${q(filter)}`), 400, 'invalidFilter');
    });

    it('returns only id, userName and schemas for attributes=userName', async () => {
      const res = await scim.get(`/Users?attributes=userName&${q('userName sw "alice"')}`);
      expectListResponse(res, 1);
      expect(res.body.Resources[0]).toEqual({
        schemas: [CORE_USER],
        id: users.alice.id,
        userName: users.alice.userName,
      });
    });

    it('leaves emails out for excludedAttributes=emails and keeps the rest', async () => {
      const res = await scim.get(`/Users?excludedAttributes=emails&${q('userName sw "alice"')}`);
      const [alice] = res.body.Resources;
      expect(alice).not.toHaveProperty('emails');
      expect(alice).toMatchObject({
        id: users.alice.id,
        userName: users.alice.userName,
        name: users.alice.name,
        meta: users.alice.meta,
      });
      expect(alice[ENTERPRISE]).toEqual(users.alice[ENTERPRISE]);
    });

    it('returns only the matching values for attributes=emails[type eq "work"]', async () => {
      const res = await scim.get(
        `/Users?attributes=${encodeURIComponent('emails[type eq "work"]')}&${q('userName sw "alice"')}`,
      );
      const [alice] = res.body.Resources;
      expect(alice).toEqual({
        schemas: [CORE_USER],
        id: users.alice.id,
        emails: [{ type: 'work', value: 'alice.anders@acme.example', primary: true }],
      });
    });

    it('applies attributes on GET by id as well', async () => {
      const res = await scim.get(`/Users/${users.alice.id}?attributes=name.givenName,${ENTERPRISE}:employeeNumber`);
      expectStatus(res, 200);
      expect(res.body).toEqual({
        schemas: [CORE_USER, ENTERPRISE],
        id: users.alice.id,
        name: { givenName: 'Alice' },
        [ENTERPRISE]: { employeeNumber: '1' },
      });
    });

    it('answers POST /Users/.search with the same results as GET (RFC 7644 §3.4.3)', async () => {
      const filter = 'emails[type eq "work" and value co "@acme"]';
      const get = await scim.get(`/Users?${q(filter)}&sortBy=userName&sortOrder=descending&attributes=userName`);
      const search = await scim.post('/Users/.search', {
        schemas: [SEARCH_REQUEST],
        filter,
        sortBy: 'userName',
        sortOrder: 'descending',
        attributes: ['userName'],
        startIndex: 1,
        count: 10,
      });
      expectListResponse(search, 2);
      expect(search.body).toEqual(get.body);
      expect(search.body.Resources.map((r: Resource) => r.userName)).toEqual([
        'Oscar.Olsen@acme.example',
        'alice.anders@acme.example',
      ]);
    });

    it('pages and projects in POST /Users/.search', async () => {
      const res = await scim.post('/Users/.search', {
        schemas: [SEARCH_REQUEST],
        sortBy: 'userName',
        startIndex: 2,
        count: 2,
        excludedAttributes: ['emails'],
      });
      expectListResponse(res, 4);
      expect(res.body.startIndex).toBe(2);
      expect(res.body.Resources.map((r: Resource) => r.userName)).toEqual([
        'bob.brown@acme.example',
        'carol.clark@other.example',
      ]);
      for (const r of res.body.Resources) expect(r).not.toHaveProperty('emails');
    });

    it('refuses a malformed filter in POST /Users/.search with 400 invalidFilter', async () => {
      expectScimError(
        await scim.post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'userName eq' }),
        400,
        'invalidFilter',
      );
    });

    it('never shows one connection the users of another', async () => {
      const other = await freshConnection(t);
      const stranger = await createUser(other.scim, entraUser({ userName: 'alice.anders@acme.example' }));
      const mine = await scim.get('/Users?count=100');
      expect(ids(mine)).not.toContain(stranger.id);
      expect(mine.body.totalResults).toBe(4);
      const theirs = await other.scim.get(`/Users?${q('userName eq "alice.anders@acme.example"')}`);
      expect(ids(theirs)).toEqual([stranger.id]);
      // By id, with this connection's token on this connection's path: the other's id does not exist here.
      expectScimError(await scim.get(`/Users/${stranger.id}`), 404);
      expectScimError(await other.scim.get(`/Users/${users.alice.id}`), 404);
      expectScimError(await scim.delete(`/Users/${stranger.id}`), 404);
      expectStatus(await other.scim.get(`/Users/${stranger.id}`), 200);
      expect(f.connectionId).not.toBe(other.f.connectionId);
    });

    it("refuses a connection's token on another connection's path with 401", async () => {
      const other = await freshConnection(t);
      const res = await t.http.withToken(f.token).get(`/scim/v2/${other.f.connectionId}/Users`);
      expectScimError(res, 401);
    });
  });

  describe('group lists', () => {
    let scim: ScimClient;
    let member: Resource;
    let engineers: Resource;
    let sales: Resource;

    beforeAll(async () => {
      ({ scim } = await freshConnection(t));
      member = await createUser(scim, entraUser());
      const other = await createUser(scim, entraUser());
      const e = await scim.post(
        '/Groups',
        entraGroup({ displayName: 'Engineers', members: [{ value: member.id }, { value: other.id }] }),
      );
      const s = await scim.post('/Groups', entraGroup({ displayName: 'Sales', members: [{ value: other.id }] }));
      const empty = await scim.post('/Groups', entraGroup({ displayName: 'Empty' }));
      for (const res of [e, s, empty]) expectStatus(res, 201);
      engineers = e.body;
      sales = s.body;
    });

    it('filters groups by displayName with excludedAttributes=members (Entra)', async () => {
      const res = await scim.get(`/Groups?excludedAttributes=members&${q('displayName eq "engineers"')}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([engineers.id]);
      expect(res.body.Resources[0]).not.toHaveProperty('members');
      expect(res.body.Resources[0]).toMatchObject({ displayName: 'Engineers', meta: { resourceType: 'Group' } });
    });

    it('looks a group up by id eq, with its members unless excluded (a unique-key lookup)', async () => {
      const res = await scim.get(`/Groups?${q(`id eq "${engineers.id}"`)}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([engineers.id]);
      expect(res.body.Resources[0].members).toHaveLength(2);
      const lean = await scim.get(
        `/Groups?excludedAttributes=members&${q(`id eq "${sales.id}" and displayName eq "Sales"`)}`,
      );
      expectListResponse(lean, 1);
      expect(lean.body.Resources[0]).not.toHaveProperty('members');
      expectListResponse(await scim.get(`/Groups?${q(`id eq "${sales.id}" and displayName eq "Engineers"`)}`), 0);
      const past = await scim.get(`/Groups?startIndex=2&${q(`id eq "${engineers.id}"`)}`);
      expectListResponse(past, 1);
      expect(past.body.Resources).toEqual([]);
    });

    it('returns members in a group list unless excluded', async () => {
      const res = await scim.get(`/Groups?${q('displayName eq "Engineers"')}`);
      expect(res.body.Resources[0].members.map((m: { value: string }) => m.value).sort()).toEqual(
        [member.id, ...sales.members.map((m: { value: string }) => m.value)].sort(),
      );
    });

    it('filters groups by members[value eq "<userId>"]', async () => {
      const res = await scim.get(`/Groups?excludedAttributes=members&${q(`members[value eq "${member.id}"]`)}`);
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([engineers.id]);
      const other = sales.members[0].value as string;
      const both = await scim.get(
        `/Groups?excludedAttributes=members&sortBy=displayName&${q(`members[value eq "${other}"]`)}`,
      );
      expect(ids(both)).toEqual([engineers.id, sales.id]);
    });

    it('answers members[value eq "<non-UUID>"] with an empty list (not 400/500)', async () => {
      const res = await scim.get(`/Groups?excludedAttributes=members&${q('members[value eq "not-a-uuid"]')}`);
      expectListResponse(res, 0);
    });

    it('matches members[value eq] case-insensitively on the UUID', async () => {
      const res = await scim.get(
        `/Groups?excludedAttributes=members&${q(`members[value eq "${(member.id as string).toUpperCase()}"]`)}`,
      );
      expect(ids(res)).toEqual([engineers.id]);
    });

    it('returns no members for attributes=displayName and members for attributes=members', async () => {
      const lean = await scim.get(`/Groups?attributes=displayName&${q('displayName eq "Engineers"')}`);
      expect(lean.body.Resources[0]).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: engineers.id,
        displayName: 'Engineers',
      });
      const withMembers = await scim.get(`/Groups/${engineers.id}?attributes=members`);
      expect(withMembers.body.members.map((m: { value: string }) => m.value)).toContain(member.id);
      expect(withMembers.body).not.toHaveProperty('displayName');
    });

    it('sorts groups by displayName', async () => {
      const res = await scim.get('/Groups?sortBy=displayName&excludedAttributes=members');
      expect(res.body.Resources.map((g: Resource) => g.displayName)).toEqual(['Empty', 'Engineers', 'Sales']);
    });

    it('answers POST /Groups/.search', async () => {
      const res = await scim.post('/Groups/.search', {
        schemas: [SEARCH_REQUEST],
        filter: 'displayName sw "S"',
        excludedAttributes: ['members'],
      });
      expectListResponse(res, 1);
      expect(ids(res)).toEqual([sales.id]);
    });

    it('refuses a malformed group filter with 400 invalidFilter', async () => {
      expectScimError(await scim.get(`/Groups?${q('displayName eq')}`), 400, 'invalidFilter');
    });
  });

  // A second app in this process, beside the first (SCIM authentication is per app instance).
  describe('maxResults', () => {
    let capped: TestApp;
    beforeAll(async () => {
      capped = await createTestApp({ SCIM_MAX_RESULTS: '5' });
    });
    afterAll(async () => {
      await capped.close();
    });

    it('caps count at filter.maxResults', async () => {
      const f = await createTenantWithConnection(capped.admin);
      const scim = new ScimClient(capped.baseUrl, f);
      for (let i = 0; i < 8; i++) await createUser(scim, entraUser());
      const spc = await scim.get('/ServiceProviderConfig');
      expect(spc.body.filter.maxResults).toBe(5);
      const res = await scim.get('/Users?count=50');
      expectListResponse(res, 8);
      expect(res.body.Resources).toHaveLength(5);
      const rest = await scim.get('/Users?startIndex=6&count=50');
      expect(rest.body.Resources).toHaveLength(3);
      const noCount = await scim.get('/Users');
      expect(noCount.body.Resources).toHaveLength(5);
    });
  });
});
