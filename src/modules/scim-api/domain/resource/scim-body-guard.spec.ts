import { ScimError } from '../../../../shared/scim/scim-error';
import { assertAcceptableBody, MAX_BODY_DEPTH } from './scim-body-guard';

function nest(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : { a: v };
  return v;
}

function errorOf(body: unknown): ScimError | undefined {
  try {
    assertAcceptableBody(body);
    return undefined;
  } catch (e) {
    return e as ScimError;
  }
}

describe('assertAcceptableBody', () => {
  it.each([
    [
      'an Entra user',
      { userName: 'a@b.example', name: { givenName: 'A' }, emails: [{ value: 'a@b.example', primary: true }] },
    ],
    ['emoji (a paired surrogate)', { displayName: 'ok \ud83d\ude42' }],
    ['scalars and null', [1, true, null, 'x']],
    ['nesting at the limit', nest(MAX_BODY_DEPTH)],
    ['undefined (no body)', undefined],
  ])('accepts %s', (_, body) => {
    expect(errorOf(body)).toBeUndefined();
  });

  it.each([
    ['a NUL in a value', { userName: 'a\u0000b' }, "'userName'"],
    ['a NUL in a nested key', { ext: { 'co\u0000st': 1 } }, "'ext.co\uFFFDst'"],
    ['a lone high surrogate', { emails: [{ value: 'x\ud800' }] }, "'emails[0].value'"],
    ['a lone low surrogate', ['\udc00'], "'[0]'"],
    ['a reversed pair', { a: '\udc00\ud800' }, "'a'"],
  ])('rejects %s with invalidValue naming where', (_, body, where) => {
    const e = errorOf(body);
    expect(e).toBeInstanceOf(ScimError);
    expect(e?.status).toBe(400);
    expect(e?.scimType).toBe('invalidValue');
    expect(e?.message).toContain(where);
  });

  it('rejects nesting past the limit with invalidSyntax, iteratively (no stack overflow at 1e6 levels)', () => {
    expect(errorOf(nest(MAX_BODY_DEPTH + 1))?.scimType).toBe('invalidSyntax');
    let deep: unknown = 0;
    for (let i = 0; i < 1_000_000; i += 1) deep = [deep];
    const e = errorOf(deep);
    expect(e?.scimType).toBe('invalidSyntax');
    expect(e!.message.length).toBeLessThan(300);
  });
});
