import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { validateEnv } from './config/env.schema';
import { prepareRuntime, readOrCreateAdminToken, readOrCreateAuditChainKey } from './bootstrap';

function capturingLogger(): LoggerService & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: () => undefined, error: () => undefined, warn: (m: unknown) => warnings.push(String(m)) };
}

describe('readOrCreateAdminToken', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a 256-bit token into a 0600 file, silently', () => {
    const logger = capturingLogger();
    const token = readOrCreateAdminToken(dir, logger);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(readOrCreateAdminToken(dir, logger)).toBe(token);
    expect(logger.warnings).toEqual([]);
  });

  it.each([
    ['0644', 0o644],
    ['0640', 0o640],
    ['0604', 0o604],
    ['0666', 0o666],
  ])('warns about an existing token file of mode %s, saying how to fix it', (_, mode) => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'a-token-someone-copied-here-0123456789abcdef\n');
    chmodSync(file, mode);
    const logger = capturingLogger();
    expect(readOrCreateAdminToken(dir, logger)).toBe('a-token-someone-copied-here-0123456789abcdef');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(`mode 0${mode.toString(8)}`);
    expect(logger.warnings[0]).toContain(`chmod 600 ${file}`);
    // The warning never carries the token.
    expect(logger.warnings[0]).not.toContain('a-token-someone-copied-here');
  });

  it('does not warn about 0600 or 0400', () => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'x'.repeat(40));
    for (const mode of [0o600, 0o400]) {
      chmodSync(file, mode);
      const logger = capturingLogger();
      readOrCreateAdminToken(dir, logger);
      expect(logger.warnings).toEqual([]);
    }
  });
});

describe('the audit chain key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-chain-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated on the embedded default into DATA_DIR/audit-chain-key (256 bits, mode 0600), then read back', () => {
    const logger = capturingLogger();
    const key = readOrCreateAuditChainKey(dir, logger);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(statSync(join(dir, 'audit-chain-key')).mode & 0o777).toBe(0o600);
    expect(readOrCreateAuditChainKey(dir, logger)).toBe(key);
    expect(readOrCreateAdminToken(dir, logger)).not.toBe(key);
    chmodSync(join(dir, 'audit-chain-key'), 0o644);
    readOrCreateAuditChainKey(dir, logger);
    expect(logger.warnings).toEqual([expect.stringContaining('can read the audit chain key')]);
    expect(logger.warnings[0]).not.toContain(key);
  });

  it('is required with DATABASE_URL: the start fails with one line saying how to make one', async () => {
    const raw = { DATABASE_URL: 'postgres://roster@127.0.0.1:1/roster', ADMIN_TOKEN: 'a'.repeat(43), DATA_DIR: dir };
    await expect(prepareRuntime(validateEnv(raw), capturingLogger())).rejects.toThrow(
      /^AUDIT_CHAIN_KEY is required when DATABASE_URL is set \(generate one with: openssl rand -base64 32/,
    );
    const withKey = validateEnv({ ...raw, AUDIT_CHAIN_KEY: 'c'.repeat(43) });
    expect((await prepareRuntime(withKey, capturingLogger())).env.AUDIT_CHAIN_KEY).toBe('c'.repeat(43));
  });
});
