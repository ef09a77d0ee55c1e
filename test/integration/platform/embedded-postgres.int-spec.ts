import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseTextWarning } from '../../../src/bootstrap';

/**
 * The embedded PostgreSQL that `npm start` and `npm test` run when DATABASE_URL is unset must be
 * UTF-8 with Unicode case mapping even where the environment names no locale (a bare container, a
 * service unit): initdb otherwise makes a SQL_ASCII cluster whose lower() folds ASCII only, and
 * userName's case-insensitive uniqueness (RFC 7643 §4.1.1) would take 'ÄRGER' and 'ärger' as two
 * users. Runs in a child process whose environment has no LANG or LC_*.
 */
describe('embedded PostgreSQL (integration)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-embedded-pg-'));
    chmodSync(dir, 0o755); // initdb runs as the unprivileged postgres user
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('initialises a UTF-8 cluster that folds case beyond ASCII, with no locale in the environment', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHILD_DATA_DIR: dir,
      TS_NODE_PROJECT: join(__dirname, '../../../tsconfig.json'),
    };
    for (const k of Object.keys(env)) if (k === 'LANG' || k === 'LANGUAGE' || k.startsWith('LC_')) delete env[k];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'embedded-postgres-child.ts')],
      {
        env,
        timeout: 110_000,
      },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(JSON.parse(line!.slice('RESULT '.length))).toEqual({
      encoding: 'UTF8',
      folded: 'ärger.ø@x',
      code_point_order: true,
    });
  }, 120_000);
});

describe('databaseTextWarning (said at boot)', () => {
  const serverUrl = process.env.ROSTER_TEST_DATABASE_URL!;
  const withDataSource = async <T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> => {
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    try {
      return await fn(ds);
    } finally {
      await ds.destroy();
    }
  };

  it('is silent on the test database (UTF8, folds non-ASCII)', async () => {
    expect(await withDataSource(serverUrl, databaseTextWarning)).toBeUndefined();
  });

  it('names the problem on a SQL_ASCII database', async () => {
    const name = `roster_ascii_${randomBytes(3).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(
        `CREATE DATABASE ${name} ENCODING 'SQL_ASCII' LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
      );
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      expect(await withDataSource(url.toString(), databaseTextWarning)).toMatch(
        /^database encoding is SQL_ASCII, not UTF8: userName uniqueness .* ASCII letters only/,
      );
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
