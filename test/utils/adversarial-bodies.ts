/**
 * The worst SCIM bodies we can build under a byte budget (issue #17), shared by the e2e bound test
 * and `npm run bench -- body`. Each shape targets one path that once was (or could be) quadratic:
 * the multi-valued dedup, object keys, PATCH value filters, member lists, filters, long strings.
 */
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface AdversarialShape {
  readonly name: string;
  readonly method: 'POST' | 'PATCH';
  /** Relative to the connection's Tenant URL; `{userId}` / `{groupId}` name prepared resources. */
  readonly path: string;
  readonly body: string;
  /** Statuses that are a correct answer (a 400 naming a bound is as good as a 2xx). */
  readonly ok: readonly number[];
}

/** Repeats `item(i)` as JSON array elements until the array text would pass `bytes`. */
function arrayUpTo(bytes: number, item: (i: number) => string): string {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const s = item(i);
    if (size + s.length + 1 > bytes) break;
    parts.push(s);
    size += s.length + 1;
  }
  return `[${parts.join(',')}]`;
}

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export function adversarialShapes(maxBytes: number, maxMultiValued: number): AdversarialShape[] {
  const room = maxBytes - 512;
  const user = (extra: string) =>
    `{"schemas":["${CORE_USER}"],"userName":"adv-${Date.now()}-${Math.random()}",${extra}}`;
  const keys = (n: number, prefix: string) =>
    `{${Array.from({ length: n }, (_, i) => `"${prefix}${i}":"v${i}"`).join(',')}}`;
  return [
    {
      name: `POST /Users, ${maxMultiValued} distinct emails (the most accepted)`,
      method: 'POST',
      path: '/Users',
      body: user(
        `"emails":[${Array.from({ length: maxMultiValued }, (_, i) => `{"value":"u${i}@adv.example","type":"work"}`).join(',')}]`,
      ),
      ok: [201],
    },
    {
      name: 'POST /Users, emails filling the body (over SCIM_MAX_MULTI_VALUED)',
      method: 'POST',
      path: '/Users',
      body: user(`"emails":${arrayUpTo(room, (i) => `{"value":"u${i}@a.io"}`)}`),
      ok: [400],
    },
    {
      name: 'POST /Users, an open extension of 1,000-key objects filling the body',
      method: 'POST',
      path: '/Users',
      body: user(`"urn:adv:ext:2.0:User":{"list":${arrayUpTo(room, () => keys(100, 'k'))}}`),
      ok: [201, 400],
    },
    {
      name: 'POST /Users, 1,000 undeclared top-level attributes',
      method: 'POST',
      path: '/Users',
      body: user(keys(999, 'attr').slice(1, -1)),
      ok: [201, 400],
    },
    {
      name: 'POST /Users, one string filling the body',
      method: 'POST',
      path: '/Users',
      body: user(`"title":"${'t'.repeat(room)}"`),
      ok: [201],
    },
    {
      name: 'PATCH /Users, 1,000 value-filter operations on a 10,000-email user',
      method: 'PATCH',
      path: '/Users/{userId}',
      body: JSON.stringify({
        schemas: [PATCH_OP],
        Operations: Array.from({ length: 1000 }, (_, i) => ({
          op: 'replace',
          path: `emails[value eq "u${i}@adv.example"].type`,
          value: 'home',
        })),
      }),
      ok: [204, 400],
    },
    {
      name: 'PATCH /Users, 1,000 path-less keys',
      method: 'PATCH',
      path: '/Users/{userId}',
      body: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":${keys(1000, 'x')}}]}`,
      ok: [204, 400],
    },
    {
      name: 'PATCH /Users, add of emails filling the body',
      method: 'PATCH',
      path: '/Users/{userId}',
      body: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"emails","value":${arrayUpTo(room, (i) => `{"value":"p${i}@a.io"}`)}}]}`,
      ok: [400],
    },
    {
      name: 'PATCH /Groups, member ids filling the body (unknown to the connection)',
      method: 'PATCH',
      path: '/Groups/{groupId}',
      body: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":${arrayUpTo(room, (i) => `{"value":"${uuid(i)}"}`)}}]}`,
      ok: [204],
    },
    {
      name: 'PATCH /Groups, 1,000 remove-by-filter operations',
      method: 'PATCH',
      path: '/Groups/{groupId}',
      body: JSON.stringify({
        schemas: [PATCH_OP],
        Operations: Array.from({ length: 1000 }, (_, i) => ({ op: 'remove', path: `members[value eq "${uuid(i)}"]` })),
      }),
      ok: [204],
    },
    {
      name: 'POST /Users/.search, the deepest and longest filter accepted',
      method: 'POST',
      path: '/Users/.search',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter:
          `${'('.repeat(49)}${Array.from({ length: 300 }, (_, i) => `userName eq "u${i}"`).join(' or ')}${')'.repeat(49)}`.slice(
            0,
            9_990,
          ),
      }),
      ok: [200, 400],
    },
  ];
}

/** The `{userId}` user: 10,000 emails (what the value-filter PATCH walks). */
export function adversarialUser(maxMultiValued: number): string {
  const n = Math.min(maxMultiValued, 10_000);
  return JSON.stringify({
    schemas: [CORE_USER],
    userName: `adv-target-${Date.now()}-${Math.random()}`,
    emails: Array.from({ length: n }, (_, i) => ({ value: `u${i}@adv.example`, type: 'work' })),
  });
}
