import { REDACTED, isSecretKey, redactSecrets, redactText } from './redact-secrets';

describe('redactSecrets', () => {
  it('masks values under secret-looking keys at any depth', () => {
    expect(
      redactSecrets({
        token: 'rst_x',
        tokenHash: 'ab',
        nested: [{ password: 'p', clientSecret: 's', accessToken: 'a' }],
        tokenId: 't1',
        prefix: 'rst_abcd',
      }),
    ).toEqual({
      token: REDACTED,
      tokenHash: REDACTED,
      nested: [{ password: REDACTED, clientSecret: REDACTED, accessToken: REDACTED }],
      tokenId: 't1',
      prefix: 'rst_abcd',
    });
  });

  it('keeps ids, names and lists of attribute names', () => {
    for (const k of [
      'tokenId',
      'newTokenId',
      'revokedTokenIds',
      'name',
      'changedAttributes',
      'prefix',
      'sessionIds',
      'anchorHash',
    ])
      expect(isSecretKey(k)).toBe(false);
    for (const k of ['token_hash', 'passwordHash', 'secretHash', 'apiKeyHash', 'refresh_token', 'clientSecret'])
      expect(isSecretKey(k)).toBe(true);
    expect(redactSecrets({ changedAttributes: ['password'] })).toEqual({ changedAttributes: ['password'] });
  });

  it('masks anything shaped like a SCIM token wherever it appears', () => {
    const secret = `rst_${'A'.repeat(43)}`;
    expect(redactText(`leaked ${secret} here`)).toBe(`leaked ${REDACTED} here`);
    expect(redactSecrets({ note: [secret] })).toEqual({ note: [REDACTED] });
  });
});
