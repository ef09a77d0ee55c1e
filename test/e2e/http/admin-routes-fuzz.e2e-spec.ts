import * as fc from 'fast-check';
import { createTenantWithConnection, type TenantFixture } from '../../factories/tenant.factory';
import { listAppRoutes, type AppRoute } from '../../utils/app-routes';
import { createTestApp, type TestApp } from '../../utils/create-test-app';

/**
 * Property-based robustness of the admin and session APIs over real HTTP (issue #17): every route
 * of the running app that is neither SCIM nor public — read from Nest's metadata, so a new route is
 * fuzzed without touching this file — gets generated bodies (random JSON, the route's own DTO
 * fields with hostile values, deep nesting, NUL, lone surrogates, wrong types, long strings within
 * the limits, text that is not JSON), hostile query strings and path ids. Whatever arrives, the
 * answer is never a 5xx, and an error never shows internals.
 *
 * Bounded: RUNS_PER_ROUTE runs of BATCH parallel requests per route, and a time budget for the whole
 * suite (≤ 60 s in `npm test`). The seed is printed on failure; reproduce with FC_SEED=<seed>.
 * FC_RUNS_SCALE=<n> multiplies runs and budget.
 */

const BATCH = 3;
/** FC_RUNS_SCALE=10 turns the suite into a soak (runs and budget scale together). */
const SCALE = Math.max(1, Number(process.env.FC_RUNS_SCALE) || 1);
const RUNS_PER_ROUTE = 12 * SCALE;
const BUDGET_MS = 40_000 * SCALE;
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['stack frame', /\n\s+at\s|\bat (?:async )?\S+ \([^)]*:\d+:\d+\)/],
  ['source position', /\.(?:ts|js):\d+:\d+/],
  ['server path', /\/work\/|node_modules/],
  [
    'driver error',
    /QueryFailedError|invalid byte sequence|invalid input syntax|violates .* constraint|syntax error at/,
  ],
  ['JS error', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): /],
];

/** Strings an attacker or a broken script sends: NUL, lone surrogates, SQL/JSON metacharacters, long runs. */
const HOSTILE = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  'x\ud83d',
  '\ud83d\ude80',
  "'; DROP TABLE tenancy.tenant; --",
  '%00',
  '\\u0000',
  '../../etc/passwd',
  '00000000-0000-0000-0000-000000000000',
  'scim_conn_aaaaaaaaaaaaaaaaaaaaaaaa',
  '2026-01-01T00:00:00Z',
  '1e309',
  '-1',
  'NaN',
  '{"a":1}',
  '\u202e\ufeff',
];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '\u0000', 'é', '\ud800', ' '), fc.integer({ min: 200, max: 60_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
);

/** encodeURIComponent, except that a lone surrogate goes out as its (invalid) 3-byte form instead of throwing. */
function encode(s: string): string {
  return s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(c);
  });
}

function nested(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

interface Probe {
  route: AppRoute;
  pathValues: Record<string, string | null>;
  query: Array<[string, string]>;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string; contentType: string | null; encoding?: string };
}

describe('Admin and session routes: fuzzed requests never get a 5xx (property-based, real HTTP)', () => {
  let t: TestApp;
  let f: TenantFixture;
  let routes: AppRoute[];
  const ids: Record<string, string[]> = {};

  beforeAll(async () => {
    t = await createTestApp();
    f = await createTenantWithConnection(t.admin);
    const site = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/sites`, { name: 'Oslo' });
    const group = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/groups`, {
      name: 'Auditors',
      permissions: ['audit.read'],
      siteIds: [site.body.id],
    });
    const member = await t.admin.post(`/admin/v1/tenants/${f.tenantId}/members`, { email: `ada@${f.domain}` });
    const session = await t.admin.post('/v1/sessions', { tenantId: f.tenantId, email: `ada@${f.domain}` });
    const run = await t.admin.post(`/admin/v1/scim-connections/${f.connectionId}/sync-runs`, {});
    Object.assign(ids, {
      tenantId: [f.tenantId],
      connectionId: [f.connectionId],
      tokenId: [f.tokenId],
      siteId: [site.body.id],
      groupId: [group.body.id],
      accountId: [member.body.accountId],
      sessionId: [session.body.id],
      runId: [run.body.id],
    });
    for (const [k, v] of Object.entries(ids)) if (!v[0]) throw new Error(`fixture ${k} missing`);
    routes = listAppRoutes(t.app).filter((r) => r.scheme !== 'scim' && r.scheme !== 'public');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('enumerates the admin and session routes from the app', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /admin/v1/tenants',
        'PATCH /admin/v1/tenants/:tenantId',
        'POST /v1/sessions/introspect',
        'PUT /admin/v1/scim-connections/:connectionId/group-mappings',
      ]),
    );
    expect(routes.find((r) => r.path === '/admin/v1/tenants' && r.method === 'POST')?.fields).toEqual(
      expect.arrayContaining(['name', 'ssoDomains']),
    );
  });

  function probeArb(route: AppRoute): fc.Arbitrary<Probe> {
    const pathValue = (param: string) =>
      fc.oneof(
        // A parameter no fixture provides (a route added later) gets well-formed ids of nothing.
        { weight: 3, arbitrary: ids[param] ? fc.constantFrom(...ids[param]) : fc.uuid() },
        { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0 && s.length < 400) },
      );
    const pathValues = fc.record(Object.fromEntries(route.params.map((p) => [p, pathValue(p)])));
    const keys = fc.constantFrom(...route.fields, 'limit', 'cursor', 'tenantId', 'from', 'to', 'x');
    const query = fc.array(
      fc.tuple(
        keys,
        hostileString.filter((s) => s.length < 2000),
      ),
      { maxLength: 3 },
    );
    const fieldsObject = route.fields.length
      ? fc.dictionary(fc.constantFrom(...route.fields), anyJson, { maxKeys: route.fields.length })
      : fc.constant({});
    const body: fc.Arbitrary<Probe['body']> =
      route.method === 'GET' || route.method === 'DELETE'
        ? fc.constant({ kind: 'none' as const })
        : fc.oneof(
            { weight: 5, arbitrary: fieldsObject.map((value) => ({ kind: 'json' as const, value })) },
            { weight: 2, arbitrary: anyJson.map((value) => ({ kind: 'json' as const, value })) },
            {
              weight: 1,
              arbitrary: fc.integer({ min: 20, max: 100_000 }).map((n) => ({
                kind: 'raw' as const,
                text: nested(n),
                contentType: 'application/json',
              })),
            },
            {
              weight: 1,
              arbitrary: fc
                .tuple(
                  fc.oneof(hostileString, fc.constantFrom('{', '{"name":', '[', 'null', '{"__proto__":{"x":1}}')),
                  fc.constantFrom('application/json', 'application/scim+json', 'text/plain', null, 'application/xml'),
                  fc.constantFrom(undefined, 'gzip', 'identity'),
                )
                .map(([text, contentType, encoding]) => ({ kind: 'raw' as const, text, contentType, encoding })),
            },
            { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
          );
    return fc.record({ route: fc.constant(route), pathValues, query, body });
  }

  async function send(p: Probe): Promise<string[]> {
    const path = p.route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encode(p.pathValues[name] ?? ''));
    const qs = p.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    const headers: Record<string, string> = { authorization: `Bearer ${t.admin.token}` };
    let body: string | undefined;
    if (p.body.kind === 'json') {
      body = JSON.stringify(p.body.value) ?? 'null';
      headers['content-type'] = 'application/json';
    } else if (p.body.kind === 'raw') {
      body = p.body.text;
      if (p.body.contentType) headers['content-type'] = p.body.contentType;
      if (p.body.encoding) headers['content-encoding'] = p.body.encoding;
    }
    const url = `${t.baseUrl}${path}${qs ? `?${qs}` : ''}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: p.route.method, headers, body, signal: AbortSignal.timeout(15_000) });
      text = await res.text();
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      return [
        `${p.route.method} ${url.slice(0, 300)} (${headers['content-type']}, ${body?.length ?? 0} chars)\n  → no answer: ${String(e)} ${String(cause ?? '')}`,
      ];
    }
    const problems: string[] = [];
    if (res.status >= 500) problems.push(`status ${res.status}`);
    if (res.status >= 400) for (const [name, re] of LEAKS) if (re.test(text)) problems.push(`leaks a ${name}`);
    if (problems.length === 0) return [];
    const shown =
      body === undefined ? '' : ` body=${JSON.stringify(body.slice(0, 300))}${body.length > 300 ? '…' : ''}`;
    return [
      `${p.route.method} ${url.slice(0, 300)}${shown}\n  → ${res.status} ${text.slice(0, 300)}\n  ${problems.join('; ')}`,
    ];
  }

  it(
    'answers every generated request on every admin and session route with a status below 500',
    async () => {
      const deadline = Date.now() + BUDGET_MS;
      const covered: string[] = [];
      for (const [i, route] of routes.entries()) {
        const property = fc.asyncProperty(
          fc.array(probeArb(route), { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            const problems = (await Promise.all(batch.map(send))).flat();
            if (problems.length > 0) throw new Error(problems.join('\n'));
          },
        );
        // Every route at least once whatever the time; then a fair share of what is left of the budget,
        // so a slow machine fuzzes every route less, never some routes not at all.
        const share = Math.max(500, (deadline - Date.now()) / (routes.length - i));
        const runs: Array<fc.Parameters<[Probe[]]>> = [
          { seed: SEED, numRuns: 1 },
          {
            seed: SEED + 1,
            numRuns: RUNS_PER_ROUTE - 1,
            interruptAfterTimeLimit: share,
            markInterruptAsFailure: false,
          },
        ];
        for (const params of runs) {
          try {
            await fc.assert(property, { ...params, includeErrorInReport: true });
          } catch (e) {
            const message = (e as Error).message;
            // Out of its time share before a further run: the route had its guaranteed run.
            if (/^Property interrupted after \d+ tests/.test(message)) continue;
            throw new Error(`FC_SEED=${SEED} route ${route.method} ${route.path}\n${message}`, { cause: e });
          }
        }
        covered.push(`${route.method} ${route.path}`);
      }
      expect(covered).toHaveLength(routes.length);
    },
    BUDGET_MS + 20_000,
  );
});
