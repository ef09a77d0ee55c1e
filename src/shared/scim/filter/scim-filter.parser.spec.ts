import fc from 'fast-check';
import { scimErrorOf } from '../../../../test/utils/scim-unit-spec';
import { ScimError } from '../scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../scim-filter.ast';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseAttrPath,
  parseAttributeList,
  parseFilter,
  parsePatchPath,
  printFilter,
  printPatchPath,
} from './scim-filter.parser';

// ---------------------------------------------------------------- AST builders

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function path(attr: string, subAttr?: string, schema?: string): AttrPath {
  return { ...(schema !== undefined ? { schema } : {}), attr, ...(subAttr !== undefined ? { subAttr } : {}) };
}
function attr(text: string): AttrPath {
  const [a, s] = text.split('.');
  return path(a, s);
}
const cmp = (p: AttrPath | string, op: CompareOp, value: FilterValue): FilterNode => ({
  kind: 'compare',
  path: typeof p === 'string' ? attr(p) : p,
  op,
  value,
});
const pr = (p: AttrPath | string): FilterNode => ({ kind: 'present', path: typeof p === 'string' ? attr(p) : p });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (expr: FilterNode): FilterNode => ({ kind: 'not', expr });
const vp = (p: AttrPath | string, filter: FilterNode): FilterNode => ({
  kind: 'valuePath',
  path: typeof p === 'string' ? attr(p) : p,
  filter,
});

// ---------------------------------------------------------------- examples

describe(parseFilter.name, () => {
  describe('RFC 7644 §3.4.2.2 example filters', () => {
    const examples: ReadonlyArray<readonly [string, FilterNode]> = [
      ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
      ['name.familyName co "O\'Malley"', cmp('name.familyName', 'co', "O'Malley")],
      ['userName sw "J"', cmp('userName', 'sw', 'J')],
      [`${CORE_USER}:userName sw "J"`, cmp(path('userName', undefined, CORE_USER), 'sw', 'J')],
      ['title pr', pr('title')],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
      ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
      ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
      ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
      ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
      ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
      [`schemas eq "${ENTERPRISE}"`, cmp('schemas', 'eq', ENTERPRISE)],
      [
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        and(
          cmp('userType', 'eq', 'Employee'),
          or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')),
        ),
      ],
      [
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        and(
          cmp('userType', 'ne', 'Employee'),
          not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
        ),
      ],
      [
        'userType eq "Employee" and (emails.type eq "work")',
        and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work')),
      ],
      [
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        and(
          cmp('userType', 'eq', 'Employee'),
          vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        ),
      ],
      [
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        or(
          vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
          vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
        ),
      ],
      [
        'emails[type eq "work"] or ims[type eq "xmpp"]',
        or(vp('emails', cmp('type', 'eq', 'work')), vp('ims', cmp('type', 'eq', 'xmpp'))),
      ],
    ];

    it.each(examples)('parses %s', (input, expected) => {
      expect(parseFilter(input)).toEqual(expected);
    });

    it('parses the RFC examples as they appear in a query string once decoded, with line breaks', () => {
      expect(
        parseFilter('userType eq "Employee" and (emails co "example.com" or\n  emails.value co "example.org")'),
      ).toEqual(
        and(
          cmp('userType', 'eq', 'Employee'),
          or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')),
        ),
      );
    });
  });

  describe('identity provider dialects', () => {
    it('parses Entra ID random-GUID userName probe', () => {
      expect(parseFilter('userName eq "2c6f7f3e-9a3b-4b41-8a5c-0e4b7e2f1d9a"')).toEqual(
        cmp('userName', 'eq', '2c6f7f3e-9a3b-4b41-8a5c-0e4b7e2f1d9a'),
      );
    });

    it('parses Entra ID externalId lookup', () => {
      expect(parseFilter('externalId eq "8f2a1c9e-77d0-4a8e-b8b1-5d5f0c0a1e23"')).toEqual(
        cmp('externalId', 'eq', '8f2a1c9e-77d0-4a8e-b8b1-5d5f0c0a1e23'),
      );
    });

    it('parses Entra ID group lookup by displayName', () => {
      expect(parseFilter('displayName eq "Group One"')).toEqual(cmp('displayName', 'eq', 'Group One'));
    });

    it('desugars Entra ID emails[type eq "work"].value eq "…" into a value filter', () => {
      expect(parseFilter('emails[type eq "work"].value eq "x@y.com"')).toEqual(
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x@y.com'))),
      );
    });

    it('desugars a trailing pr after a value filter', () => {
      expect(parseFilter('emails[type eq "work"].value pr')).toEqual(
        vp('emails', and(cmp('type', 'eq', 'work'), pr('value'))),
      );
    });

    it('desugars inside a larger expression', () => {
      expect(parseFilter('active eq true and emails[type eq "work"].value ew "@acme.com"')).toEqual(
        and(cmp('active', 'eq', true), vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'ew', '@acme.com')))),
      );
    });

    it('parses Okta userName lookup', () => {
      expect(parseFilter('userName eq "x@y.example"')).toEqual(cmp('userName', 'eq', 'x@y.example'));
    });

    it('parses Entra roles[primary eq "True"] with the string kept as a string', () => {
      expect(parseFilter('roles[primary eq "True"]')).toEqual(vp('roles', cmp('primary', 'eq', 'True')));
    });

    it('parses Entra manager[value eq "…"] on a URN-qualified singular complex attribute', () => {
      expect(parseFilter(`${ENTERPRISE}:manager[value eq "m-1"]`)).toEqual(
        vp(path('manager', undefined, ENTERPRISE), cmp('value', 'eq', 'm-1')),
      );
    });
  });

  describe('attribute paths', () => {
    it('parses an enterprise extension sub-attribute without splitting the URN on "2.0"', () => {
      expect(parseFilter(`${ENTERPRISE}:manager.value eq "m1"`)).toEqual(
        cmp(path('manager', 'value', ENTERPRISE), 'eq', 'm1'),
      );
    });

    it('parses an open Metadata extension attribute', () => {
      expect(parseFilter('urn:ietf:params:scim:schemas:extension:2.0:Metadata:costCode eq "C-1"')).toEqual(
        cmp(path('costCode', undefined, 'urn:ietf:params:scim:schemas:extension:2.0:Metadata'), 'eq', 'C-1'),
      );
    });

    it('recognises a URN prefix case-insensitively and keeps the written case', () => {
      expect(parseFilter('URN:IETF:params:scim:schemas:core:2.0:User:UserName eq "a"')).toEqual(
        cmp(path('UserName', undefined, 'URN:IETF:params:scim:schemas:core:2.0:User'), 'eq', 'a'),
      );
    });

    it('keeps attribute names as written', () => {
      expect(parseFilter('NAME.GivenName eq "x"')).toEqual(cmp('NAME.GivenName', 'eq', 'x'));
    });

    it('accepts "$ref" as a sub-attribute name (RFC 7643 §2.4)', () => {
      expect(parseFilter('members.$ref pr')).toEqual(pr(path('members', '$ref')));
    });

    it('accepts hyphens, underscores and digits in names', () => {
      expect(parseFilter('job_role-2 eq "x"')).toEqual(cmp('job_role-2', 'eq', 'x'));
    });

    it('treats "not" followed by an operator as an attribute named not', () => {
      expect(parseFilter('not pr')).toEqual(pr('not'));
      expect(parseFilter('not eq "x"')).toEqual(cmp('not', 'eq', 'x'));
      expect(parseFilter('not[value pr]')).toEqual(vp('not', pr('value')));
    });
  });

  describe('operators and keywords', () => {
    it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const)('parses operator %s', (op) => {
      expect(parseFilter(`title ${op} "x"`)).toEqual(cmp('title', op, 'x'));
    });

    it('parses operators case-insensitively', () => {
      expect(parseFilter('userName EQ "a"')).toEqual(cmp('userName', 'eq', 'a'));
      expect(parseFilter('userName Sw "a"')).toEqual(cmp('userName', 'sw', 'a'));
      expect(parseFilter('title PR')).toEqual(pr('title'));
    });

    it('parses logical keywords case-insensitively', () => {
      expect(parseFilter('title pr And userType Eq "a" OR NOT (active eq TRUE)')).toEqual(
        or(and(pr('title'), cmp('userType', 'eq', 'a')), not(cmp('active', 'eq', true))),
      );
    });

    it('gives not precedence over and, and and over or', () => {
      expect(parseFilter('a pr or b pr and not (c pr)')).toEqual(or(pr('a'), and(pr('b'), not(pr('c')))));
      expect(parseFilter('a pr and b pr or c pr')).toEqual(or(and(pr('a'), pr('b')), pr('c')));
    });

    it('groups left-associatively', () => {
      expect(parseFilter('a pr and b pr and c pr')).toEqual(and(and(pr('a'), pr('b')), pr('c')));
      expect(parseFilter('a pr or b pr or c pr')).toEqual(or(or(pr('a'), pr('b')), pr('c')));
    });

    it('honours parentheses', () => {
      expect(parseFilter('a pr and (b pr or c pr)')).toEqual(and(pr('a'), or(pr('b'), pr('c'))));
      expect(parseFilter('((a pr))')).toEqual(pr('a'));
    });

    it('accepts not without parentheses (leniency) and binds it tighter than and', () => {
      expect(parseFilter('not title pr and a pr')).toEqual(and(not(pr('title')), pr('a')));
      expect(parseFilter('not not (a pr)')).toEqual(not(not(pr('a'))));
    });

    it('supports not and parentheses inside a value filter', () => {
      expect(parseFilter('emails[not (type eq "home") and (value co "a" or value co "b")]')).toEqual(
        vp('emails', and(not(cmp('type', 'eq', 'home')), or(cmp('value', 'co', 'a'), cmp('value', 'co', 'b')))),
      );
    });

    it('tolerates extra whitespace, tabs and no space around brackets/parentheses', () => {
      expect(parseFilter('  (title\tpr)and(userType eq "a")  ')).toEqual(and(pr('title'), cmp('userType', 'eq', 'a')));
      expect(parseFilter('emails [ type eq "work" ]')).toEqual(vp('emails', cmp('type', 'eq', 'work')));
    });
  });

  describe('values', () => {
    it('decodes JSON string escapes', () => {
      expect(parseFilter(String.raw`title eq "a\"b\\c\/d\n\t\u00e9\ud83d\ude00"`)).toEqual(
        cmp('title', 'eq', 'a"b\\c/d\n\té😀'),
      );
    });

    it('keeps brackets, parentheses and keywords inside strings', () => {
      expect(parseFilter('title eq "a) and (b [c]"')).toEqual(cmp('title', 'eq', 'a) and (b [c]'));
    });

    it('parses the empty string', () => {
      expect(parseFilter('title eq ""')).toEqual(cmp('title', 'eq', ''));
    });

    it('parses numbers', () => {
      expect(parseFilter('level eq 42')).toEqual(cmp('level', 'eq', 42));
      expect(parseFilter('level gt -1.5e3')).toEqual(cmp('level', 'gt', -1500));
      expect(parseFilter('level lt 0')).toEqual(cmp('level', 'lt', 0));
      expect(parseFilter('level le 1E+2')).toEqual(cmp('level', 'le', 100));
    });

    it('parses true/false/null case-insensitively', () => {
      expect(parseFilter('active eq True')).toEqual(cmp('active', 'eq', true));
      expect(parseFilter('active eq FALSE')).toEqual(cmp('active', 'eq', false));
      expect(parseFilter('title eq Null')).toEqual(cmp('title', 'eq', null));
    });

    it('keeps quoted "true" and "42" as strings', () => {
      expect(parseFilter('title eq "true"')).toEqual(cmp('title', 'eq', 'true'));
      expect(parseFilter('title eq "42"')).toEqual(cmp('title', 'eq', '42'));
    });

    it('accepts unquoted barewords as strings', () => {
      expect(parseFilter('userName sw O')).toEqual(cmp('userName', 'sw', 'O'));
      expect(parseFilter('userName eq john@acme.com')).toEqual(cmp('userName', 'eq', 'john@acme.com'));
      expect(parseFilter('(userName eq john@acme.com)')).toEqual(cmp('userName', 'eq', 'john@acme.com'));
      expect(parseFilter('employeeNumber eq 007')).toEqual(cmp('employeeNumber', 'eq', '007'));
      expect(parseFilter('emails[value eq a@b.c]')).toEqual(vp('emails', cmp('value', 'eq', 'a@b.c')));
    });

    it('passes dates with 7 fractional digits through untouched', () => {
      expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34.1234567Z"')).toEqual(
        cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34.1234567Z'),
      );
    });
  });

  describe('limits', () => {
    it(`accepts ${MAX_FILTER_DEPTH} nested parentheses`, () => {
      const input = `${'('.repeat(MAX_FILTER_DEPTH)}a pr${')'.repeat(MAX_FILTER_DEPTH)}`;
      expect(parseFilter(input)).toEqual(pr('a'));
    });

    it(`rejects ${MAX_FILTER_DEPTH + 1} nested parentheses`, () => {
      const input = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
      const error = scimErrorOf(() => parseFilter(input));
      expect(error.scimType).toBe('invalidFilter');
      expect(error.message).toMatch(/nested deeper than 50/);
    });

    it('rejects deeply nested not without a stack overflow', () => {
      expect(scimErrorOf(() => parseFilter(`${'not '.repeat(2000)}a pr`)).scimType).toBe('invalidFilter');
      expect(scimErrorOf(() => parseFilter(`${'not ('.repeat(2000)}a pr${')'.repeat(2000)}`)).scimType).toBe(
        'invalidFilter',
      );
    });

    it('rejects input longer than the limit', () => {
      const input = `title eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
      expect(scimErrorOf(() => parseFilter(input)).message).toMatch(/longer than 10000/);
    });

    it('parses a long and-chain close to the length limit iteratively', () => {
      const input = Array.from({ length: 1100 }, () => 'a pr').join(' and ');
      expect(input.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
      const node = parseFilter(input);
      expect(node.kind).toBe('and');
    });

    it('handles pathological input quickly', () => {
      const started = Date.now();
      for (const input of [
        `title eq "${'\\"'.repeat(4000)}`,
        `${'a.'.repeat(4999)}a pr`,
        `${'['.repeat(9999)}`,
        `${'a '.repeat(4999)}`,
        `urn:${':'.repeat(9990)}a pr`,
      ]) {
        expect(scimErrorOf(() => parseFilter(input)).scimType).toBe('invalidFilter');
      }
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('errors', () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['userName', /expected an operator after 'userName' at end of input/],
      ['userName eq', /missing value after operator 'eq' at end of input/],
      ['userName eq )', /missing value after operator 'eq' at position 13/],
      ['userName eq and title pr', /missing value.*keyword 'and'/],
      ['userName xx "a"', /unknown operator 'xx' at position 10/],
      ['userName = "a"', /unknown operator '='/],
      ['title pr "x"', /'pr' does not take a value/],
      ['title pr x', /'pr' does not take a value/],
      ['userName eq "a" title pr', /unexpected 'title' at position 17/],
      ['userName eq "a" "b"', /unexpected string "b"/],
      ['(userName eq "a"', /expected '\)' to close the one at position 1, but found end of input/],
      ['userName eq "a")', /unexpected '\)' at position 16/],
      ['emails[type eq "work"', /expected '\]' to close the one at position 7/],
      ['emails[type eq "work"]]', /unexpected '\]'/],
      ['emails type eq "work"]', /unknown operator 'type'/],
      ['userName eq "abc', /unterminated string starting at position 13/],
      [String.raw`userName eq "a\q"`, /invalid escape '\\q'/],
      [String.raw`userName eq "\u12G4"`, /invalid \\u escape/],
      ['emails[type eq "work" and value[x eq 1]]', /nested value filters are not allowed/],
      ['emails[addresses[type eq "x"]]', /nested value filters/],
      ['name.givenName[value eq "x"]', /must follow a multi-valued attribute/],
      ['emails[type eq "work"].value', /expected an operator after '.value'/],
      ['emails[type eq "work"].va!ue eq "x"', /invalid sub-attribute 'va!ue'/],
      ['emails[type eq "work"] .value eq "x"', /unexpected '.value'/],
      ['a.b.c eq "x"', /invalid sub-attribute 'b.c'/],
      ['1abc eq "x"', /invalid attribute name '1abc'/],
      ['user*name eq "x"', /invalid attribute name/],
      ['urn:ietf:params:scim:schemas:core:2.0:User: eq "x"', /must end with an attribute name/],
      ['urn::x eq "x"', /invalid schema URN/],
      ['not', /unexpected end of filter/],
      ['not ()', /unexpected '\)'/],
      ['and eq', /missing value/],
      ['title pr and', /unexpected end of filter/],
      ['title pr or or b pr', /expected an operator after 'or'|unknown operator 'b'/],
      ['()', /unexpected '\)' at position 2/],
      ['[a pr]', /unexpected '\['/],
      ['"title" eq "x"', /unexpected string "title"/],
      ['level eq 1e999', /out of range/],
    ];

    it.each(cases)('rejects %j', (input, message) => {
      const error = scimErrorOf(() => parseFilter(input));
      expect(error).toBeInstanceOf(ScimError);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    });

    it('reads a non-JSON number bareword as a string rather than failing', () => {
      expect(parseFilter('level eq 01')).toEqual(cmp('level', 'eq', '01'));
    });

    it('truncates long tokens echoed in error details', () => {
      const error = scimErrorOf(() => parseFilter(`title ${'x'.repeat(500)} "a"`));
      expect(error.message.length).toBeLessThan(200);
    });
  });
});

describe(parseAttrPath.name, () => {
  it.each([
    ['userName', path('userName')],
    ['name.givenName', path('name', 'givenName')],
    ['meta.lastModified', path('meta', 'lastModified')],
    [`${CORE_USER}:name.familyName`, path('name', 'familyName', CORE_USER)],
    [`${ENTERPRISE}:manager.value`, path('manager', 'value', ENTERPRISE)],
    [`${ENTERPRISE}:employeeNumber`, path('employeeNumber', undefined, ENTERPRISE)],
    ['  emails  ', path('emails')],
  ] as const)('parses %s', (input, expected) => {
    expect(parseAttrPath(input)).toEqual(expected);
  });

  it.each(['', '   ', 'emails[type eq "work"]', 'a b', 'a.b.c', '1a', '(a)', 'urn:x:', 'a.', '.a', '"a"'])(
    'rejects %j with invalidPath',
    (input) => {
      const error = scimErrorOf(() => parseAttrPath(input));
      expect(error.scimType).toBe('invalidPath');
    },
  );
});

describe(parsePatchPath.name, () => {
  it.each([
    ['members', { path: path('members') }],
    ['name.givenName', { path: path('name', 'givenName') }],
    ['name.familyName', { path: path('name', 'familyName') }],
    [
      'emails[type eq "work"].value',
      { path: path('emails'), valueFilter: cmp('type', 'eq', 'work'), subAttr: 'value' },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      { path: path('members'), valueFilter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646') },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName',
      {
        path: path('members'),
        valueFilter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
        subAttr: 'displayName',
      },
    ],
    ['addresses[type eq "work"]', { path: path('addresses'), valueFilter: cmp('type', 'eq', 'work') }],
    [
      'emails[type eq "work" and value ew "example.com"]',
      { path: path('emails'), valueFilter: and(cmp('type', 'eq', 'work'), cmp('value', 'ew', 'example.com')) },
    ],
    [`${ENTERPRISE}:manager`, { path: path('manager', undefined, ENTERPRISE) }],
    [`${CORE_USER}:name.familyName`, { path: path('name', 'familyName', CORE_USER) }],
    [
      'addresses[type eq "work"].postalCode',
      { path: path('addresses'), valueFilter: cmp('type', 'eq', 'work'), subAttr: 'postalCode' },
    ],
    [
      'roles[primary eq "True"].value',
      { path: path('roles'), valueFilter: cmp('primary', 'eq', 'True'), subAttr: 'value' },
    ],
    [
      `${ENTERPRISE}:manager[value eq "x"]`,
      { path: path('manager', undefined, ENTERPRISE), valueFilter: cmp('value', 'eq', 'x') },
    ],
    ['manager[value eq "9b1f"]', { path: path('manager'), valueFilter: cmp('value', 'eq', '9b1f') }],
    [
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata:costCode',
      { path: path('costCode', undefined, 'urn:ietf:params:scim:schemas:extension:2.0:Metadata') },
    ],
    [
      'phoneNumbers[type eq "mobile" and not (primary eq false)].value',
      {
        path: path('phoneNumbers'),
        valueFilter: and(cmp('type', 'eq', 'mobile'), not(cmp('primary', 'eq', false))),
        subAttr: 'value',
      },
    ],
  ] as const)('parses %s', (input, expected) => {
    expect(parsePatchPath(input)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['emails[type eq "work"', /expected '\]'/],
    ['emails[type eq "work"]x', /unexpected 'x'/],
    ['emails[type eq "work"]. value', /invalid sub-attribute ''/],
    ['emails[type eq "work"].value.x', /invalid sub-attribute 'value.x'/],
    ['emails[type eq "work"].value eq "x"', /unexpected 'eq'/],
    ['emails[type eq "work"][value pr]', /unexpected '\['/],
    ['emails[]', /unexpected '\]'/],
    ['emails[type xx "work"]', /unknown operator 'xx'/],
    ['emails[addresses[type eq "x"]]', /nested value filters/],
    ['name.givenName[value eq "x"]', /must follow a multi-valued attribute/],
    ['members eq "x"', /unexpected 'eq'/],
    ['(members)', /unexpected '\('/],
    ['a.b.c', /invalid sub-attribute/],
  ] as const)('rejects %j with invalidPath', (input, message) => {
    const error = scimErrorOf(() => parsePatchPath(input));
    expect(error.scimType).toBe('invalidPath');
    expect(error.message).toMatch(message);
  });

  it('round-trips through printPatchPath', () => {
    const input = 'emails[type eq "work" and value co "@acme"].value';
    expect(parsePatchPath(printPatchPath(parsePatchPath(input)))).toEqual(parsePatchPath(input));
  });
});

describe(parseAttributeList.name, () => {
  it('returns an empty list for undefined and blank input', () => {
    expect(parseAttributeList(undefined)).toEqual([]);
    expect(parseAttributeList('')).toEqual([]);
    expect(parseAttributeList(' , ,')).toEqual([]);
  });

  it('splits on commas, trimming spaces and ignoring empty entries', () => {
    expect(parseAttributeList('userName, name.givenName ,,emails')).toEqual([
      { path: path('userName') },
      { path: path('name', 'givenName') },
      { path: path('emails') },
    ]);
  });

  it('accepts URN-qualified entries and value filters with commas inside strings', () => {
    expect(parseAttributeList(`${ENTERPRISE}:manager,emails[type eq "work" or value eq "a,b"],displayName`)).toEqual([
      { path: path('manager', undefined, ENTERPRISE) },
      { path: path('emails'), valueFilter: or(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a,b')) },
      { path: path('displayName') },
    ]);
  });

  it('handles escaped quotes inside value filter strings', () => {
    expect(parseAttributeList(String.raw`emails[value eq "a\",b"],title`)).toEqual([
      { path: path('emails'), valueFilter: cmp('value', 'eq', 'a",b') },
      { path: path('title') },
    ]);
  });

  it.each(['a b', 'emails[type eq "work"', 'emails[value eq "x]', 'a.b.c,title'])(
    'rejects %j with invalidPath',
    (input) => {
      expect(scimErrorOf(() => parseAttributeList(input)).scimType).toBe('invalidPath');
    },
  );
});

// ---------------------------------------------------------------- property tests

const ALPHA = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const NAME_CHARS = [...ALPHA, ...'0123456789-_'];

const nameArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...ALPHA), fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 8 }))
      .map(([a, b]) => a + b),
  },
  // Names that collide with keywords and literals must survive a round trip too.
  {
    weight: 1,
    arbitrary: fc.constantFrom('not', 'NOT', 'and', 'or', 'pr', 'eq', 'True', 'null', 'urn', '$ref', 'value'),
  },
);

const urnSegmentArb = fc.string({ unit: fc.constantFrom(...NAME_CHARS, '.'), minLength: 1, maxLength: 6 });
const schemaArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(CORE_USER, ENTERPRISE, 'urn:ietf:params:scim:schemas:extension:2.0:Metadata', 'URN:x:2.0:User'),
  fc.array(urnSegmentArb, { minLength: 1, maxLength: 5 }).map((segments) => `urn:${segments.join(':')}`),
);

const pathArb: fc.Arbitrary<AttrPath> = fc
  .record({
    schema: fc.option(schemaArb, { nil: undefined, freq: 4 }),
    attr: nameArb,
    subAttr: fc.option(nameArb, { nil: undefined }),
  })
  .map(({ schema, attr: a, subAttr }) => path(a, subAttr, schema));

const valueArb: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'and', 'True', '2011-05-13T04:42:34.1234567Z', 'a"b\\c', ')]'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const opArb = fc.constantFrom<CompareOp>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

function leafArb(paths: fc.Arbitrary<AttrPath>): fc.Arbitrary<FilterNode> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ path: paths, op: opArb, value: valueArb })
        .map(({ path: p, op, value }) => cmp(p, op, value)),
    },
    { weight: 1, arbitrary: paths.map((p) => pr(p)) },
  );
}

function treeArb(leaves: fc.Arbitrary<FilterNode>): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 5, depthSize: 'small' },
      leaves,
      fc.tuple(tie('node'), tie('node')).map(([l, r]) => and(l, r)),
      fc.tuple(tie('node'), tie('node')).map(([l, r]) => or(l, r)),
      tie('node').map((e) => not(e)),
    ),
  })).node;
}

/** Valid ASTs as the parser produces them: value filters only at the top, never nested, on paths without sub-attribute. */
const filterAstArb: fc.Arbitrary<FilterNode> = treeArb(
  fc.oneof(
    { weight: 3, arbitrary: leafArb(pathArb) },
    {
      weight: 1,
      arbitrary: fc
        .record({ p: pathArb, filter: treeArb(leafArb(pathArb)) })
        .map(({ p, filter }) => vp(path(p.attr, undefined, p.schema), filter)),
    },
  ),
);

const MUTATION_CHARS = [...' "()[].:\\-_aZ09,!=\t', 'and', ' or ', 'not ', 'pr', ' eq ', '\u0000', '😀', 'urn:'];

const mutatedArb = (source: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(
      source,
      fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'swap'), fc.nat(), fc.constantFrom(...MUTATION_CHARS)), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([text, mutations]) => {
      let out = text;
      for (const [kind, at, ch] of mutations) {
        const i = out.length === 0 ? 0 : at % out.length;
        if (kind === 'insert') out = out.slice(0, i) + ch + out.slice(i);
        else if (kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
        else if (i + 1 < out.length) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
      }
      return out;
    });

const FILTER_CORPUS = [
  'userName eq "bjensen"',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  `${ENTERPRISE}:manager.value eq "m1"`,
  'emails[type eq "work"].value eq "x@y"',
  'meta.lastModified gt "2011-05-13T04:42:34.1234567Z"',
  'userName sw O',
];
const PATH_CORPUS = [
  'emails[type eq "work"].value',
  'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
  `${ENTERPRISE}:manager`,
  'name.givenName',
  'roles[primary eq "True"].value',
];

const filterishArb = fc.string({ unit: fc.constantFrom(...MUTATION_CHARS), maxLength: 40 });

function expectOnlyScimError(fn: () => unknown, scimType: 'invalidFilter' | 'invalidPath'): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ScimError) || error.scimType !== scimType) throw error;
  }
}

describe('scim-filter.parser properties', () => {
  it('parseFilter only ever throws ScimError(invalidFilter) on random and mutated input', () => {
    const inputs = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      filterishArb,
      mutatedArb(fc.constantFrom(...FILTER_CORPUS)),
      mutatedArb(filterAstArb.map(printFilter)),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        expectOnlyScimError(() => parseFilter(input), 'invalidFilter');
      }),
      { numRuns: 3000 },
    );
  });

  it('parsePatchPath, parseAttrPath and parseAttributeList only ever throw ScimError(invalidPath)', () => {
    const inputs = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      filterishArb,
      mutatedArb(fc.constantFrom(...PATH_CORPUS)),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        expectOnlyScimError(() => parsePatchPath(input), 'invalidPath');
        expectOnlyScimError(() => parseAttrPath(input), 'invalidPath');
        expectOnlyScimError(() => parseAttributeList(input), 'invalidPath');
      }),
      { numRuns: 3000 },
    );
  });

  it('parseFilter(printFilter(ast)) deep-equals ast for random valid ASTs', () => {
    fc.assert(
      fc.property(filterAstArb, (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual(ast);
      }),
      { numRuns: 2000 },
    );
  });

  it('parsePatchPath(printPatchPath(p)) deep-equals p', () => {
    const patchPathArb = fc
      .record({
        p: pathArb,
        filter: fc.option(treeArb(leafArb(pathArb)), { nil: undefined }),
        subAttr: fc.option(nameArb, { nil: undefined }),
      })
      .map(({ p, filter, subAttr }) =>
        filter === undefined
          ? { path: p }
          : {
              path: path(p.attr, undefined, p.schema),
              valueFilter: filter,
              ...(subAttr !== undefined ? { subAttr } : {}),
            },
      );
    fc.assert(
      fc.property(patchPathArb, (patchPath) => {
        expect(parsePatchPath(printPatchPath(patchPath))).toEqual(patchPath);
      }),
      { numRuns: 1000 },
    );
  });
});
