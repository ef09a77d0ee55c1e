import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidEnvironmentError, validateEnv } from './env.schema';

const problemsOf = (raw: Record<string, string>): string[] => {
  try {
    validateEnv(raw);
    return [];
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return err.problems;
    throw err;
  }
};

describe('validateEnv', () => {
  describe('TRUST_PROXY', () => {
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

  describe('ADMIN_TOKEN_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-env-'));

    it('reads the token from the file, trimmed', () => {
      const file = join(dir, 'token');
      writeFileSync(file, `  ${'s'.repeat(40)}\n`);
      expect(validateEnv({ ADMIN_TOKEN_FILE: file }).ADMIN_TOKEN).toBe('s'.repeat(40));
    });

    it('refuses both variables at once, an unreadable file and a short token — without echoing it', () => {
      const file = join(dir, 'short');
      writeFileSync(file, 'tooshort-secret');
      expect(problemsOf({ ADMIN_TOKEN: 'a'.repeat(40), ADMIN_TOKEN_FILE: file })).toEqual([
        'ADMIN_TOKEN_FILE: set ADMIN_TOKEN or ADMIN_TOKEN_FILE, not both',
      ]);
      expect(problemsOf({ ADMIN_TOKEN_FILE: join(dir, 'missing') })).toEqual([
        `ADMIN_TOKEN_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
      ]);
      const short = problemsOf({ ADMIN_TOKEN_FILE: file });
      expect(short).toEqual(['ADMIN_TOKEN: ADMIN_TOKEN must be at least 32 characters']);
      expect(short.join()).not.toContain('tooshort-secret');
    });
  });
});
