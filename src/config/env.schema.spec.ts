import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidEnvironmentError, validateEnv } from './env.schema';

describe('validateEnv: secrets from files (X_FILE, as Docker secrets mount them)', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const problems = (raw: Record<string, string>): string[] => {
    try {
      validateEnv(raw);
    } catch (err) {
      if (err instanceof InvalidEnvironmentError) return err.problems;
      throw err;
    }
    throw new Error('validateEnv accepted it');
  };
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'roster-env-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ADMIN_TOKEN from ADMIN_TOKEN_FILE, without the trailing newline', () => {
    const token = 'f'.repeat(43);
    expect(validateEnv({ ADMIN_TOKEN_FILE: file('admin-token', `${token}\n`) }).ADMIN_TOKEN).toBe(token);
  });

  it('reads AUDIT_CHAIN_KEY from AUDIT_CHAIN_KEY_FILE, and refuses a short key without echoing it', () => {
    const key = 'k'.repeat(44);
    expect(validateEnv({ AUDIT_CHAIN_KEY_FILE: file('audit-chain-key', `${key}\n`) }).AUDIT_CHAIN_KEY).toBe(key);
    expect(problems({ AUDIT_CHAIN_KEY: 'short-secret' })).toEqual([
      'AUDIT_CHAIN_KEY: AUDIT_CHAIN_KEY must be at least 32 characters (got a value)',
    ]);
  });

  it('reads DATABASE_URL from DATABASE_URL_FILE', () => {
    const url = 'postgres://roster:s3cret@db:5432/roster';
    expect(validateEnv({ DATABASE_URL_FILE: file('database-url', `${url}\r\n`) }).DATABASE_URL).toBe(url);
  });

  it("puts DATABASE_PASSWORD_FILE's password into DATABASE_URL, encoded, replacing the URL's own", () => {
    const env = validateEnv({
      DATABASE_URL: 'postgres://roster:old@db:5432/roster',
      DATABASE_PASSWORD_FILE: file('db-password', 'p@ss:w/rd %20\n'),
    });
    const url = new URL(env.DATABASE_URL!);
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname]).toEqual([
      'roster',
      'p@ss:w/rd %20',
      'db:5432',
      '/roster',
    ]);
    expect(env.DATABASE_PASSWORD).toBeUndefined();
  });

  it('refuses a secret set both ways, naming both variables', () => {
    expect(problems({ ADMIN_TOKEN: 'a'.repeat(40), ADMIN_TOKEN_FILE: file('t2', 'b'.repeat(40)) })).toEqual([
      'ADMIN_TOKEN and ADMIN_TOKEN_FILE are both set: set one of them',
    ]);
  });

  it('takes an empty X as unset when X_FILE is set (compose passes `${VAR:-}` as "")', () => {
    expect(validateEnv({ ADMIN_TOKEN: '', ADMIN_TOKEN_FILE: file('t3', 'c'.repeat(40)) }).ADMIN_TOKEN).toBe(
      'c'.repeat(40),
    );
  });

  it('refuses an unreadable X_FILE, naming the file and why', () => {
    const missing = join(dir, 'nope');
    expect(problems({ DATABASE_URL_FILE: missing })).toEqual([`DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`]);
  });

  it('refuses DATABASE_PASSWORD without DATABASE_URL', () => {
    expect(problems({ DATABASE_PASSWORD: 'x' })).toEqual([
      'DATABASE_PASSWORD: set DATABASE_URL too (the password is for its user)',
    ]);
  });

  it("never echoes a secret's value in the error", () => {
    const found = problems({ ADMIN_TOKEN_FILE: file('short', 'tooshort-secret\n') });
    expect(found).toEqual([expect.stringMatching(/^ADMIN_TOKEN: .*at least 32 characters \(got a value\)$/)]);
    expect(found.join()).not.toContain('tooshort-secret');
  });
});

describe('validateEnv: TRUST_PROXY', () => {
  const problemsOf = (raw: Record<string, string>): string[] => {
    try {
      validateEnv(raw);
      return [];
    } catch (err) {
      if (err instanceof InvalidEnvironmentError) return err.problems;
      throw err;
    }
  };

  it('is off when unset or empty', () => {
    expect(validateEnv({}).TRUST_PROXY).toBeUndefined();
    expect(validateEnv({ TRUST_PROXY: ' ' }).TRUST_PROXY).toBeUndefined();
  });

  it('takes a hop count', () => {
    expect(validateEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
  });

  it('takes a list of addresses, CIDRs and proxy-addr names', () => {
    expect(validateEnv({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1/128,loopback' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1/128',
      'loopback',
    ]);
  });

  it.each(['true', '0', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/2', '::1/129', '1,,2'])('refuses %j', (value) => {
    expect(problemsOf({ TRUST_PROXY: value }).join()).toMatch(/^TRUST_PROXY: /);
  });
});
