import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../setup/test-database';
import { describeSchema } from './describe-schema';
import { runMigrations } from '../../src/bootstrap';
import { validateEnv } from '../../src/config/env.schema';

/** `npm run schema:snapshot`: migrate an empty database (DATABASE_URL's server, else embedded) and write its description. */
async function main(): Promise<void> {
  const db = await createTestDatabase();
  try {
    await runMigrations(validateEnv({ DATABASE_URL: db.url }));
    const file = join(__dirname, 'schema.snapshot.txt');
    writeFileSync(file, await describeSchema(db.url));
    console.log(`wrote ${file}: review it with git diff before committing`);
  } finally {
    await db.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
