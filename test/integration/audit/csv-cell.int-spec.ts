import fc from 'fast-check';
import { Client } from 'pg';
import { csvCell } from '../../../src/modules/audit/domain/csv';

/**
 * The export's CSV is written by PostgreSQL (audit.csv_cell, for speed); domain/csv.ts is the
 * specification. They must agree on every string — generated ones included.
 */
describe('audit.csv_cell agrees with csvCell', () => {
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: process.env.ROSTER_TEST_DATABASE_URL });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
  });

  const sqlCells = async (values: Array<string | null>): Promise<string[]> =>
    (await pg.query(`SELECT audit.csv_cell(v) AS cell FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`, [values])).rows.map((r) => r.cell);

  it('on the injection and quoting cases', async () => {
    const values = [null, '', 'plain', "=cmd|' /C calc'!A0", '+1', '-1', '@SUM(1)', '\tx', '\rx', '\nx', 'a,b', 'say "hi"', 'a\nb', 'a\rb', '"', ',', '=', 'é€😀', 'x=1'];
    expect(await sqlCells(values)).toEqual(values.map((v) => csvCell(v)));
  });

  it('on generated strings', async () => {
    const special = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', ' ', 'é', '😀'), maxLength: 12 });
    // PostgreSQL text holds no NUL and no lone surrogates (the trail stores neither, see storable()).
    const any = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(special, any), { minLength: 1, maxLength: 100 }), async (values) => {
        expect(await sqlCells(values)).toEqual(values.map((v) => csvCell(v)));
      }),
      { numRuns: 60 },
    );
  });
});
