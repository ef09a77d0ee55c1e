/**
 * Child process for the embedded-PostgreSQL locale test (PostgreSQL inherits its environment,
 * which the test chose): starts a throwaway cluster in the directory it is given, prints what the cluster says of its encoding and case
 * mapping as one JSON line, and stops it.
 */
import { freePort } from '../../utils/free-port';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../../src/shared/database/embedded-postgres';

async function main() {
  const pg = await startEmbeddedPostgres({
    dataDir: join(process.env.CHILD_DATA_DIR!, 'pg'),
    port: await freePort(),
    database: 'roster_locale',
    persistent: false,
  });
  try {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    const {
      rows: [r],
    } = await c.query(
      `SELECT current_setting('server_encoding') AS encoding, lower('ÄRGER.Ø@X') AS folded, 'Z' < 'a' AS code_point_order`,
    );
    await c.end();
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  } finally {
    await pg.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
