import { Client } from 'pg';

/** Schemas PostgreSQL owns; everything else in the database is Roster's, made by its migrations. */
const SYSTEM = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Each section is one query whose rows are already the lines of the description, ordered by name
 * (never by OID or creation order, so two databases migrated the same way describe the same).
 */
const SECTIONS: Array<[title: string, sql: string]> = [
  ['schemas', `SELECT n.nspname FROM pg_namespace n WHERE ${SYSTEM} ORDER BY 1`],
  [
    'tables and views',
    `SELECT n.nspname || '.' || c.relname || ' ' ||
            CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                           WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
  ],
  [
    'columns',
    `SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
            CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
            CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END ||
            CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || pg_get_expr(d.adbin, d.adrelid)
                 WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${SYSTEM} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY n.nspname, c.relname, a.attname`,
  ],
  [
    'constraints',
    `SELECT n.nspname || '.' || c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid)
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM} ORDER BY 1`,
  ],
  [
    'indexes',
    `SELECT n.nspname || '.' || i.relname || ': ' || pg_get_indexdef(i.oid)
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE ${SYSTEM} ORDER BY 1`,
  ],
  [
    'sequences',
    `SELECT n.nspname || '.' || c.relname || ' ' || format_type(s.seqtypid, NULL) ||
            ' start ' || s.seqstart || ' increment ' || s.seqincrement
       FROM pg_sequence s
       JOIN pg_class c ON c.oid = s.seqrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM} ORDER BY 1`,
  ],
  [
    'triggers',
    `SELECT n.nspname || '.' || c.relname || ' ' || t.tgname || ': ' || pg_get_triggerdef(t.oid)
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM} AND NOT t.tgisinternal ORDER BY 1`,
  ],
  [
    'functions',
    `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' || E'\\n' ||
            regexp_replace(rtrim(pg_get_functiondef(p.oid), E'\\n'), '^', '    ', 'gn')
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${SYSTEM} AND p.prokind IN ('f', 'p') ORDER BY 1`,
  ],
  [
    'view definitions',
    `SELECT n.nspname || '.' || c.relname || E'\\n' ||
            regexp_replace(rtrim(pg_get_viewdef(c.oid, true), E'\\n'), '^', '    ', 'gn')
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM} AND c.relkind IN ('v', 'm') ORDER BY 1`,
  ],
];

/** A normalised, ordered text description of every schema object the migrations made. */
export async function describeSchema(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const out: string[] = [];
    for (const [title, sql] of SECTIONS) {
      const { rows } = await client.query<{ line: string }>({ text: sql, rowMode: 'array' } as never);
      out.push(`## ${title}`, ...(rows as unknown as string[][]).map((r) => r[0]), '');
    }
    return out.join('\n');
  } finally {
    await client.end();
  }
}
