import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export now writes its CSV in Node from a binary COPY of the raw columns (formatting in SQL
 * made the one backend the bottleneck: see PgCopyOutStream), so audit.csv_cell has no caller.
 */
export class AuditDropCsvCell1763900000700 implements MigrationInterface {
  name = 'AuditDropCsvCell1763900000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit.csv_cell(text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit.csv_cell(value text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN value IS NULL THEN ''
          WHEN left(value, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '"''' || replace(value, '"', '""') || '"'
          WHEN strpos(value, '"') > 0 OR strpos(value, ',') > 0 OR strpos(value, E'\\n') > 0 OR strpos(value, E'\\r') > 0
            THEN '"' || replace(value, '"', '""') || '"'
          ELSE value
        END
      $$`);
  }
}
