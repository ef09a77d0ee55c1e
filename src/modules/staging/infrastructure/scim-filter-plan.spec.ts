import { parseFilter } from '../../../shared/scim/filter/scim-filter.parser';
import { DEFAULT_SCIM_SCHEMA_REGISTRY } from '../../../shared/scim/schemas/scim-schema.registry';
import { matchesAtMostOne, userNameEquality } from './scim-filter-plan';
import { type SqlFilterTarget } from './scim-filter-to-sql';

const target = (resourceType: 'User' | 'Group'): SqlFilterTarget => ({
  resourceType,
  alias: 'x',
  resolve: (path) => DEFAULT_SCIM_SCHEMA_REGISTRY.resolve(resourceType, path),
});

describe('matchesAtMostOne (unique-key lookups skip sort and window count)', () => {
  it.each([
    'userName eq "a@acme.example"',
    'USERNAME Eq "a@acme.example"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@acme.example"',
    'id eq "2819c223-7f76-453a-919d-413861904646"',
    'userName eq "a@acme.example" and active eq true',
    'active eq true and (title pr and userName eq "a@acme.example")',
    'userName eq "b@acme.example" and emails[type eq "work"].value eq "b@contoso.example"',
  ])('a User filter that can match one live user at most: %s', (filter) => {
    expect(matchesAtMostOne(parseFilter(filter), target('User'))).toBe(true);
  });

  it.each([
    'userName ne "a@acme.example"',
    'userName co "a"',
    'userName eq "a@acme.example" or userName eq "b@acme.example"',
    'not (userName eq "a@acme.example")',
    'externalId eq "ext-1"', // externalId is not unique (RFC 7643 §3.1)
    'emails.value eq "a@acme.example"',
    'userName eq 42', // not a string: compared as written, never as the unique key
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "a"',
    'name.givenName eq "a"',
  ])('a User filter that may match several: %s', (filter) => {
    expect(matchesAtMostOne(parseFilter(filter), target('User'))).toBe(false);
  });

  it('knows only id as a unique key of Groups (displayName is not unique)', () => {
    expect(matchesAtMostOne(parseFilter('id eq "2819c223-7f76-453a-919d-413861904646"'), target('Group'))).toBe(true);
    expect(matchesAtMostOne(parseFilter('displayName eq "Sales"'), target('Group'))).toBe(false);
    expect(matchesAtMostOne(parseFilter('userName eq "a"'), target('Group'))).toBe(false);
  });
});

describe('userNameEquality (the lookups that share statements)', () => {
  it.each([
    ['userName eq "A@Acme.example"', 'a@acme.example'],
    ['USERNAME EQ "a@acme.example"', 'a@acme.example'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Ab"', 'ab'],
  ])('%s → the operand lower-cased', (filter, expected) => {
    expect(userNameEquality(parseFilter(filter), target('User'))).toBe(expected);
  });

  it.each([
    'userName eq "a@acme.example" and active eq true', // a conjunct more: compiled as written
    'userName ne "a@acme.example"',
    'userName sw "a"',
    'userName eq 42',
    'userName eq null',
    'id eq "2819c223-7f76-453a-919d-413861904646"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "a"',
    'not (userName eq "a")',
    'userName eq "a\\u0000b"', // NUL: the compiled path's 400 invalidFilter
  ])('%s → not a plain userName lookup', (filter) => {
    expect(userNameEquality(parseFilter(filter), target('User'))).toBeUndefined();
  });

  it('is a User lookup only', () => {
    expect(userNameEquality(parseFilter('userName eq "a"'), target('Group'))).toBeUndefined();
  });
});
