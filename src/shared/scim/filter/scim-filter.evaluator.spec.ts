import fc from 'fast-check';
import { scimErrorOf } from '../../../../test/utils/scim-unit-spec';
import { ScimError } from '../scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../scim-filter.ast';
import type { ScimAttributeDef, ScimAttributeType } from '../scim-schema.types';
import { parseScimDateTime } from './scim-filter.coercion';
import { matchesFilter, type FilterEvaluationContext } from './scim-filter.evaluator';
import { parseFilter } from './scim-filter.parser';

function def(name: string, type: ScimAttributeType, extra: Partial<ScimAttributeDef> = {}): ScimAttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

/** Sub-attributes of an RFC 7643 multi-valued element (emails-like) plus a few typed extras for the tests. */
const ELEMENT_DEFS: Record<string, ScimAttributeDef> = {
  value: def('value', 'string'),
  display: def('display', 'string'),
  type: def('type', 'string'),
  primary: def('primary', 'boolean'),
  code: def('code', 'string', { caseExact: true }),
  level: def('level', 'integer'),
  score: def('score', 'decimal'),
  since: def('since', 'dateTime'),
  cert: def('cert', 'binary'),
  tags: def('tags', 'string', { multiValued: true }),
  address: def('address', 'complex', { subAttributes: [def('city', 'string')] }),
  phones: def('phones', 'complex', {
    multiValued: true,
    subAttributes: [def('value', 'string'), def('type', 'string')],
  }),
};

/** Resolves element-relative paths (`type`) and resource-level paths (`emails.type`) alike. */
const ctx: FilterEvaluationContext = {
  resolve(path: AttrPath) {
    if (path.subAttr === undefined) return ELEMENT_DEFS[path.attr.toLowerCase()];
    if (path.attr.toLowerCase() === 'emails') return ELEMENT_DEFS[path.subAttr.toLowerCase()];
    const parent = ELEMENT_DEFS[path.attr.toLowerCase()];
    return parent?.subAttributes?.find((s) => s.name.toLowerCase() === path.subAttr?.toLowerCase());
  },
};

const matches = (element: unknown, filter: string): boolean => matchesFilter(element, parseFilter(filter), ctx);

const workEmail = { value: 'Babs.Jensen@Example.com', type: 'work', primary: true, display: 'Babs' };

describe(matchesFilter.name, () => {
  describe('strings', () => {
    it('compares case-insensitively by default (RFC 7643 §2.2 caseExact false)', () => {
      expect(matches(workEmail, 'value eq "babs.jensen@example.COM"')).toBe(true);
      expect(matches(workEmail, 'type eq "WORK"')).toBe(true);
      expect(matches(workEmail, 'type eq "home"')).toBe(false);
    });

    it('compares caseExact attributes exactly', () => {
      expect(matches({ code: 'AbC' }, 'code eq "AbC"')).toBe(true);
      expect(matches({ code: 'AbC' }, 'code eq "abc"')).toBe(false);
      expect(matches({ code: 'AbC' }, 'code co "b"')).toBe(true);
      expect(matches({ code: 'AbC' }, 'code co "B"')).toBe(false);
    });

    it('supports co, sw and ew', () => {
      expect(matches(workEmail, 'value co "@example"')).toBe(true);
      expect(matches(workEmail, 'value sw "BABS"')).toBe(true);
      expect(matches(workEmail, 'value ew ".com"')).toBe(true);
      expect(matches(workEmail, 'value ew "example"')).toBe(false);
      expect(matches(workEmail, 'value co ""')).toBe(true);
    });

    it('orders strings lexicographically by code point', () => {
      expect(matches({ value: 'b' }, 'value gt "a"')).toBe(true);
      expect(matches({ value: 'b' }, 'value ge "b"')).toBe(true);
      expect(matches({ value: 'B' }, 'value gt "a"')).toBe(true); // case-insensitive: "b" > "a"
      expect(matches({ code: 'B' }, 'code gt "a"')).toBe(false); // caseExact: "B" (0x42) < "a" (0x61)
      expect(matches({ value: 'b' }, 'value lt "a"')).toBe(false);
      expect(matches({ value: '\u{1F600}' }, 'value gt "\uffff"')).toBe(true); // code points, not UTF-16 units
    });

    it('treats unknown attributes as case-insensitive strings', () => {
      expect(matches({ mystery: 'Hello' }, 'mystery eq "HELLO"')).toBe(true);
      expect(matches({ mystery: 42 }, 'mystery eq "42"')).toBe(true);
      expect(matches({ mystery: true }, 'mystery eq "TRUE"')).toBe(true);
      expect(matches({ mystery: { nested: 1 } }, 'mystery eq "x"')).toBe(false);
    });

    it('compares a number operand with a string attribute as text (leniency)', () => {
      expect(matches({ value: '42' }, 'value eq 42')).toBe(true);
    });
  });

  describe('booleans', () => {
    it('accepts Entra\'s "True" string operand (roles[primary eq "True"])', () => {
      expect(matches({ value: 'admin', primary: true }, 'primary eq "True"')).toBe(true);
      expect(matches({ value: 'admin', primary: false }, 'primary eq "True"')).toBe(false);
    });

    it('accepts string booleans in the data', () => {
      expect(matches({ primary: 'True' }, 'primary eq true')).toBe(true);
      expect(matches({ primary: 'false' }, 'primary eq false')).toBe(true);
      expect(matches({ primary: 'yes' }, 'primary eq true')).toBe(false);
    });

    it('rejects ordering and substring operators on booleans, even when the value is absent', () => {
      for (const op of ['gt', 'ge', 'lt', 'le', 'co', 'sw', 'ew']) {
        expect(scimErrorOf(() => matches({}, `primary ${op} true`)).scimType).toBe('invalidFilter');
      }
    });

    it('rejects a non-boolean operand', () => {
      expect(scimErrorOf(() => matches({ primary: true }, 'primary eq "yes"')).message).toMatch(/boolean/);
      expect(scimErrorOf(() => matches({ primary: true }, 'primary eq 1')).scimType).toBe('invalidFilter');
    });
  });

  describe('numbers', () => {
    it('compares numerically', () => {
      expect(matches({ level: 10 }, 'level gt 9')).toBe(true);
      expect(matches({ level: 10 }, 'level lt 9')).toBe(false);
      expect(matches({ level: 10 }, 'level eq 10.0')).toBe(true);
      expect(matches({ score: 2.5 }, 'score ge 2.5')).toBe(true);
      expect(matches({ score: 2.5 }, 'score le 2.4')).toBe(false);
    });

    it('accepts numeric strings on either side', () => {
      expect(matches({ level: '10' }, 'level gt 9')).toBe(true);
      expect(matches({ level: 10 }, 'level eq "10"')).toBe(true);
      expect(matches({ level: 'ten' }, 'level gt 9')).toBe(false);
    });

    it('rejects non-numeric operands and substring operators', () => {
      expect(scimErrorOf(() => matches({ level: 1 }, 'level eq "ten"')).scimType).toBe('invalidFilter');
      expect(scimErrorOf(() => matches({ level: 1 }, 'level co 1')).scimType).toBe('invalidFilter');
    });
  });

  describe('dateTime', () => {
    it('compares instants, truncating 7 fractional digits to milliseconds', () => {
      const element = { since: '2011-05-13T04:42:34.1234567Z' };
      expect(matches(element, 'since gt "2011-05-13T04:42:34Z"')).toBe(true);
      expect(matches(element, 'since eq "2011-05-13T04:42:34.123Z"')).toBe(true);
      expect(matches(element, 'since eq "2011-05-13T04:42:34.1239999Z"')).toBe(true);
      expect(matches(element, 'since lt "2011-05-13T04:42:34.124Z"')).toBe(true);
      expect(matches(element, 'since ge "2011-05-13T06:42:34.123+02:00"')).toBe(true);
      expect(matches(element, 'since gt "2011-05-13T06:42:34.123+02:00"')).toBe(false);
    });

    it('treats an unparsable stored date as no match', () => {
      expect(matches({ since: 'yesterday' }, 'since gt "2011-05-13T04:42:34Z"')).toBe(false);
      expect(matches({ since: 'yesterday' }, 'since ne "2011-05-13T04:42:34Z"')).toBe(true);
    });

    it('rejects an unparsable operand and substring operators', () => {
      expect(scimErrorOf(() => matches({}, 'since gt "last tuesday"')).message).toMatch(/dateTime/);
      expect(scimErrorOf(() => matches({}, 'since gt 5')).scimType).toBe('invalidFilter');
      expect(scimErrorOf(() => matches({}, 'since sw "2011"')).scimType).toBe('invalidFilter');
    });
  });

  describe('binary', () => {
    it('compares exactly and rejects ordering (RFC 7644 §3.4.2.2)', () => {
      expect(matches({ cert: 'TUlJ' }, 'cert eq "TUlJ"')).toBe(true);
      expect(matches({ cert: 'TUlJ' }, 'cert eq "tulj"')).toBe(false);
      expect(scimErrorOf(() => matches({ cert: 'TUlJ' }, 'cert gt "A"')).scimType).toBe('invalidFilter');
    });
  });

  describe('presence', () => {
    it.each([
      [{ display: 'x' }, true],
      [{ display: '' }, false],
      [{ display: null }, false],
      [{}, false],
      [{ display: [] }, false],
      [{ display: {} }, false],
      [{ display: [null, ''] }, false],
      [{ display: ['', 'a'] }, true],
      [{ display: 0 }, true],
      [{ display: false }, true],
    ])('evaluates display pr on %j as %s', (element, expected) => {
      expect(matches(element, 'display pr')).toBe(expected);
    });

    it('treats eq null as absence and ne null as presence', () => {
      expect(matches({}, 'display eq null')).toBe(true);
      expect(matches({ display: 'x' }, 'display eq null')).toBe(false);
      expect(matches({ display: 'x' }, 'display ne null')).toBe(true);
      expect(scimErrorOf(() => matches({}, 'display gt null')).scimType).toBe('invalidFilter');
    });
  });

  describe('ne', () => {
    it('is the complement of eq, including absent attributes', () => {
      expect(matches(workEmail, 'type ne "home"')).toBe(true);
      expect(matches(workEmail, 'type ne "WORK"')).toBe(false);
      expect(matches({}, 'type ne "work"')).toBe(true);
    });

    it('matches a multi-valued attribute only when no value equals', () => {
      expect(matches({ tags: ['a', 'b'] }, 'tags ne "a"')).toBe(false);
      expect(matches({ tags: ['a', 'b'] }, 'tags ne "c"')).toBe(true);
    });
  });

  describe('multi-valued and complex attributes', () => {
    it('matches when any value matches', () => {
      expect(matches({ tags: ['Red', 'green'] }, 'tags eq "red"')).toBe(true);
      expect(matches({ tags: ['Red', 'green'] }, 'tags sw "gr"')).toBe(true);
      expect(matches({ tags: ['Red', 'green'] }, 'tags eq "blue"')).toBe(false);
    });

    it('compares a multi-valued complex attribute through its value sub-attribute', () => {
      expect(matches({ phones: [{ value: '555', type: 'work' }] }, 'phones eq "555"')).toBe(true);
      expect(matches({ phones: [{ value: '555', type: 'work' }] }, 'phones.type eq "work"')).toBe(true);
    });

    it('rejects comparing a singular complex attribute to a value', () => {
      expect(scimErrorOf(() => matches({ address: { city: 'x' } }, 'address eq "x"')).message).toMatch(
        /complex attribute 'address'/,
      );
      expect(matches({ address: { city: 'Oslo' } }, 'address.city eq "oslo"')).toBe(true);
      expect(matches({ address: { city: 'Oslo' } }, 'address pr')).toBe(true);
    });

    it('evaluates value paths against a resource', () => {
      const resource = { emails: [{ value: 'a@home.org', type: 'home' }, workEmail] };
      expect(matches(resource, 'emails[type eq "work" and value co "@example.com"]')).toBe(true);
      expect(matches(resource, 'emails[type eq "home" and value co "@example.com"]')).toBe(false);
      expect(matches(resource, 'emails[type eq "work"].value eq "babs.jensen@example.com"')).toBe(true);
      expect(matches(resource, 'emails[not (type eq "work")]')).toBe(true);
      expect(matches({ emails: [] }, 'emails[not (type eq "work")]')).toBe(false);
    });

    it('addresses the elements of a multi-valued simple attribute as "value"', () => {
      expect(matches('Admin', 'value eq "admin"')).toBe(true);
      expect(matches('Admin', 'value sw "ad" and value pr')).toBe(true);
      expect(matches('Admin', 'type eq "admin"')).toBe(false);
    });
  });

  describe('lookup', () => {
    it('looks keys up case-insensitively (RFC 7643 §2.1)', () => {
      expect(matches({ Value: 'x', TYPE: 'work' }, 'VALUE eq "x" and type eq "work"')).toBe(true);
    });

    it('descends into an extension by schema URN', () => {
      const resource = { 'urn:ext:2.0:User': { level: 3 } };
      expect(matches(resource, 'urn:ext:2.0:User:level eq "3"')).toBe(true);
    });
  });

  describe('logic', () => {
    it('applies and, or and not', () => {
      expect(matches(workEmail, 'type eq "work" and primary eq true')).toBe(true);
      expect(matches(workEmail, 'type eq "home" or primary eq true')).toBe(true);
      expect(matches(workEmail, 'not (type eq "home") and not (primary eq false)')).toBe(true);
      expect(matches(workEmail, 'not (type eq "work")')).toBe(false);
    });

    it('evaluates a 20,000-term left-deep and-chain without recursion trouble', () => {
      const leaf: FilterNode = { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' };
      let filter: FilterNode = leaf;
      for (let i = 1; i < 20_000; i += 1) filter = { kind: 'and', left: filter, right: leaf };
      expect(matchesFilter(workEmail, filter, ctx)).toBe(true);
    });

    it('raises type errors independently of short-circuiting', () => {
      expect(scimErrorOf(() => matches(workEmail, 'type eq "work" or primary gt true')).scimType).toBe('invalidFilter');
    });

    it('rejects malformed AST nodes with a ScimError', () => {
      expect(scimErrorOf(() => matchesFilter({}, { kind: 'bogus' } as unknown as FilterNode, ctx)).scimType).toBe(
        'invalidFilter',
      );
    });
  });
});

describe(parseScimDateTime.name, () => {
  it.each([
    ['2011-05-13T04:42:34Z', '2011-05-13T04:42:34.000Z'],
    ['2011-05-13T04:42:34.1234567Z', '2011-05-13T04:42:34.123Z'],
    ['2011-05-13t04:42:34.5z', '2011-05-13T04:42:34.500Z'],
    ['2011-05-13 04:42:34', '2011-05-13T04:42:34.000Z'],
    ['2011-05-13T04:42:34+02:00', '2011-05-13T02:42:34.000Z'],
    ['2011-05-13T04:42:34-0130', '2011-05-13T06:12:34.000Z'],
    ['2011-05-13', '2011-05-13T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('parses %s', (input, iso) => {
    expect(parseScimDateTime(input)?.iso).toBe(iso);
  });

  it.each([
    '',
    '2011-05-13T04:42Z',
    '2011-13-01T00:00:00Z',
    '2011-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2011-04-31T00:00:00Z',
    '2011-05-13T24:00:00Z',
    '2011-05-13T04:42:60Z',
    '2011-05-13T04:42:34.Z',
    '2011-05-13T04:42:34+16:00',
    '2011-05-13T04:42:34 UTC',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '11-05-13',
    'yesterday',
  ])('rejects %j', (input) => {
    expect(parseScimDateTime(input)).toBeUndefined();
  });
});

describe('scim-filter.evaluator properties', () => {
  const names = [
    'value',
    'type',
    'primary',
    'code',
    'level',
    'score',
    'since',
    'cert',
    'tags',
    'address',
    'phones',
    'unknown',
  ];
  const pathArb: fc.Arbitrary<AttrPath> = fc
    .tuple(fc.constantFrom(...names), fc.option(fc.constantFrom('city', 'value', 'type'), { nil: undefined }))
    .map(([attr, subAttr]) => (subAttr === undefined ? { attr } : { attr, subAttr }));
  const valueArb: fc.Arbitrary<FilterValue> = fc.oneof(
    fc.string(),
    fc.constantFrom('True', 'false', '2011-05-13T04:42:34.1234567Z', '10', ''),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const opArb = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
  const leafArb: fc.Arbitrary<FilterNode> = fc.oneof(
    fc.record({ path: pathArb, op: opArb, value: valueArb }).map((c): FilterNode => ({ kind: 'compare', ...c })),
    pathArb.map((path): FilterNode => ({ kind: 'present', path })),
  );
  const filterArb = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 4, depthSize: 'small' },
      leafArb,
      fc.tuple(tie('node'), tie('node')).map(([left, right]): FilterNode => ({ kind: 'and', left, right })),
      fc.tuple(tie('node'), tie('node')).map(([left, right]): FilterNode => ({ kind: 'or', left, right })),
      tie('node').map((expr): FilterNode => ({ kind: 'not', expr })),
      fc.tuple(fc.constantFrom('phones', 'tags', 'address'), leafArb).map(([attr, filter]): FilterNode => ({
        kind: 'valuePath',
        path: { attr },
        filter,
      })),
    ),
  })).node;
  const elementArb = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...names, 'VALUE', 'Type'), fc.jsonValue(), { maxKeys: 6 }),
  );

  it('returns a boolean or throws ScimError(invalidFilter) — never anything else', () => {
    fc.assert(
      fc.property(elementArb, filterArb, (element, filter) => {
        try {
          expect(typeof matchesFilter(element, filter, ctx)).toBe('boolean');
        } catch (error) {
          if (!(error instanceof ScimError) || error.scimType !== 'invalidFilter') throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('ne is the complement of eq', () => {
    fc.assert(
      fc.property(elementArb, pathArb, valueArb, (element, path, value) => {
        let eq: boolean;
        try {
          eq = matchesFilter(element, { kind: 'compare', path, op: 'eq', value }, ctx);
        } catch (error) {
          if (error instanceof ScimError) return;
          throw error;
        }
        expect(matchesFilter(element, { kind: 'compare', path, op: 'ne', value }, ctx)).toBe(!eq);
      }),
      { numRuns: 2000 },
    );
  });

  it('not(x) is the complement of x', () => {
    fc.assert(
      fc.property(elementArb, filterArb, (element, filter) => {
        let plain: boolean;
        try {
          plain = matchesFilter(element, filter, ctx);
        } catch (error) {
          if (error instanceof ScimError) return;
          throw error;
        }
        expect(matchesFilter(element, { kind: 'not', expr: filter }, ctx)).toBe(!plain);
      }),
      { numRuns: 1000 },
    );
  });
});
