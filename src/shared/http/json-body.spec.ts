import {
  jsonText,
  assertIdentityEncoding,
  assertStorableParameters,
  MAX_BODY_DEPTH,
  parseJsonBody,
  RejectedInput,
} from './json-body';

function nest(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : { a: v };
  return v;
}

const parse = (text: string): unknown => JSON.parse(text);

function errorOf(body: string | Buffer): RejectedInput | undefined {
  try {
    parseJsonBody(typeof body === 'string' ? Buffer.from(body) : body, parse);
    return undefined;
  } catch (e) {
    return e as RejectedInput;
  }
}

describe('parseJsonBody', () => {
  it.each([
    [
      'an Entra user',
      { userName: 'a@b.example', name: { givenName: 'A' }, emails: [{ value: 'a@b.example', primary: true }] },
    ],
    ['emoji (a paired surrogate)', { displayName: 'ok \ud83d\ude42' }],
    ['an escaped backslash before u0000 (text, not a NUL)', { a: '\\u0000' }],
    ['scalars and null inside', { a: [1, true, null, 'x'] }],
    ['nesting at the limit', { a: nest(MAX_BODY_DEPTH - 1) }],
  ])('accepts %s as it is', (_, body) => {
    expect(parseJsonBody(Buffer.from(JSON.stringify(body)), parse)).toEqual(body);
  });

  it('an empty or blank body is no body', () => {
    expect(parseJsonBody(Buffer.from(''), parse)).toBeUndefined();
    expect(parseJsonBody(Buffer.from(' \n'), parse)).toBeUndefined();
  });

  it.each([['null'], ['[1,2]'], ['"filter"'], ['42'], ['true']])('refuses a top level of %s', (text) => {
    expect(errorOf(text)).toMatchObject({ statusCode: 400, kind: 'syntax', field: '(body)' });
  });

  it.each([
    ['a NUL in a value', { userName: 'a\u0000b' }, 'userName'],
    ['a NUL in a nested key', { ext: { 'co\u0000st': 1 } }, 'ext.co\uFFFDst'],
    ['a lone high surrogate', { emails: [{ value: 'x\ud800' }] }, 'emails[0].value'],
    ['a lone low surrogate', { a: ['\udc00'] }, 'a[0]'],
    ['a reversed pair', { a: '\udc00\ud800' }, 'a'],
  ])('refuses %s as a value problem naming where', (_, body, where) => {
    const e = errorOf(JSON.stringify(body));
    expect(e).toBeInstanceOf(RejectedInput);
    expect(e).toMatchObject({ statusCode: 400, kind: 'value', field: where });
    expect(e?.message).toContain(`'${where}'`);
  });

  it('refuses bytes that are not UTF-8 (never replaced by U+FFFD)', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(errorOf(bytes)).toMatchObject({ statusCode: 400, kind: 'syntax' });
    // An encoded surrogate (CESU-8) is not UTF-8 either.
    expect(errorOf(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]))).toMatchObject({
      kind: 'syntax',
    });
  });

  it('refuses nesting past the limit, iteratively (no stack overflow at 1e6 levels)', () => {
    expect(errorOf(JSON.stringify({ a: nest(MAX_BODY_DEPTH) }))).toMatchObject({ kind: 'syntax' });
    const levels = 1_000_000;
    const e = errorOf('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
    expect(e).toMatchObject({ statusCode: 400, kind: 'syntax' });
    expect(e!.message).toMatch(/nested deeper than 32 levels/);
    expect(e!.message.length).toBeLessThan(300);
  });

  it('lets the given parser refuse text that is not JSON', () => {
    expect(() => parseJsonBody(Buffer.from('{"a":'), parse)).toThrow(SyntaxError);
  });
});

describe('assertIdentityEncoding', () => {
  it.each([[undefined], [''], ['identity'], ['Identity, identity']])('accepts %s', (h) => {
    expect(() => assertIdentityEncoding(h)).not.toThrow();
  });
  it.each([['gzip'], ['deflate'], ['br'], ['identity, gzip'], [['gzip']]])('refuses %s with 415', (h) => {
    expect(() => assertIdentityEncoding(h)).toThrow(expect.objectContaining({ statusCode: 415 }));
  });
});

describe('assertStorableParameters', () => {
  it('a path parameter with a NUL names no resource (404)', () => {
    expect(() => assertStorableParameters({ id: 'a\u0000' }, {})).toThrow(expect.objectContaining({ statusCode: 404 }));
  });
  it('a query value or key with a NUL or lone surrogate is a 400 naming it', () => {
    expect(() => assertStorableParameters({}, { cursor: '\ud800' })).toThrow(
      expect.objectContaining({ statusCode: 400, field: 'cursor' }),
    );
    expect(() => assertStorableParameters({}, { a: ['ok', 'b\u0000'] })).toThrow(
      expect.objectContaining({ statusCode: 400 }),
    );
    expect(() => assertStorableParameters({}, { ['k\u0000']: 'v' })).toThrow(
      expect.objectContaining({ statusCode: 400 }),
    );
  });
  it('ordinary parameters pass', () => {
    expect(() => assertStorableParameters({ id: 'x' }, { limit: '5', q: ['a', 'b'] })).not.toThrow();
  });
});

describe('jsonText', () => {
  const parse = (text: string) =>
    parseJsonBody(Buffer.from(text), (t) => JSON.parse(t.replace(/^\ufeff/, '')) as unknown);

  it('is the request text of an accepted body, as sent', () => {
    const text = '{ "a": 1.50, "b": [1, 2] }';
    expect(jsonText(parse(text))).toBe(text);
  });

  it('serialises what jsonb would not take as sent: a byte-order mark, huge numbers, values that are no body', () => {
    expect(jsonText(parse('\ufeff{"a":1}'))).toBe('{"a":1}');
    expect(jsonText(parse(`{"a":${'9'.repeat(1000)}}`))).toBe('{"a":null}');
    expect(jsonText(parse('{"a":1e-5000}'))).toBe('{"a":0}');
    expect(jsonText(parse('{"a":"x","b":2e1234}'))).toBe('{"a":"x","b":null}');
    expect(jsonText({ a: 1 })).toBe('{"a":1}');
    expect(jsonText(null)).toBe('null');
  });
});
