import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIsolatedDatabase } from '../utils/isolated-database';
import { describeSchema } from './describe-schema';

const SNAPSHOT = join(__dirname, 'schema.snapshot.txt');

/**
 * Schema drift: the migrations, run on an empty database, must produce exactly the committed
 * description. Repositories speak raw SQL (docs/architecture.md), so this — not an ORM's entity
 * diff — is what notices a migration nobody reviewed the effect of, or an edited old one.
 */
describe('database schema', () => {
  it('is what the migrations made when test/schema/schema.snapshot.txt was last written', async () => {
    const db = await createIsolatedDatabase({ outboxHistory: false });
    let actual: string;
    try {
      actual = await describeSchema(db.url);
    } finally {
      await db.dispose();
    }
    const expected = readFileSync(SNAPSHOT, 'utf8');
    if (actual === expected) return;
    const want = new Set(expected.split('\n'));
    const got = new Set(actual.split('\n'));
    const diff = [
      ...[...want].filter((l) => !got.has(l)).map((l) => `- ${l}`),
      ...[...got].filter((l) => !want.has(l)).map((l) => `+ ${l}`),
    ];
    throw new Error(
      [
        'The migrated schema differs from test/schema/schema.snapshot.txt (- snapshot, + migrations):',
        ...diff.slice(0, 80),
        diff.length > 80 ? `… ${diff.length - 80} more lines` : '',
        '',
        'If a migration (yours, or one that came in with a merge of main) changed the schema on purpose,',
        'run `npm run schema:snapshot`, review `git diff test/schema/schema.snapshot.txt`, and commit it.',
        'Otherwise a migration does something it should not: fix the migration, not the snapshot.',
      ].join('\n'),
    );
  });
});
