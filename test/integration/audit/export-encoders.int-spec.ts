import fc from 'fast-check';
import { Client } from 'pg';
import { csvRecord } from '../../../src/modules/audit/domain/csv';
import { ENTRY_JSON } from '../../../src/modules/audit/infrastructure/audit-entry.repository';
import {
  EXPORT_COLUMNS,
  EXPORT_SELECT,
  encodeCsvRecord,
  encodeNdjsonLine,
} from '../../../src/modules/audit/infrastructure/audit-export.encoders';
import { PgCopyOutStream, type CopyRowEncoder } from '../../../src/modules/audit/infrastructure/pg-copy-out.stream';

/**
 * The export writes its records in Node from a binary COPY of the raw columns. The specifications
 * are domain/csv.ts (csvRecord) for CSV and the list API's entry (ENTRY_JSON, built by PostgreSQL)
 * for NDJSON: on generated rows — formula and quoting characters, control characters, multi-byte
 * text, NULLs, values far larger than a chunk — the bytes must be exactly csvRecord's, and every
 * NDJSON line must parse to exactly the API's object. Rows go into a temporary copy of the audit
 * table (no constraints, no chain), through real PostgreSQL.
 */
describe('audit export encoders agree with their specifications', () => {
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: process.env.ROSTER_TEST_DATABASE_URL });
    await pg.connect();
    await pg.query(`CREATE TEMP TABLE x (LIKE audit.audit_entry INCLUDING DEFAULTS)`);
  });
  afterAll(async () => {
    await pg.end();
  });

  interface Row {
    seq: number;
    id: string;
    occurredAt: string;
    tenantId: string | null;
    actorType: 'scim' | 'admin' | 'system';
    connectionId: string | null;
    tokenId: string | null;
    action: string;
    target: { type: string; id: string } | null;
    targetLabel: string | null;
    summary: string;
    details: Record<string, unknown>;
    correlationId: string | null;
    sourceIp: string | null;
    eventId: string | null;
    prevHash: Buffer;
    hash: Buffer;
    actorKey?: { id: string; name: string; scope: string } | null;
    subject?: { userName: string | null; email: string | null; accountId: string | null } | null;
  }

  async function load(rows: Row[]): Promise<void> {
    await pg.query(`TRUNCATE x`);
    await pg.query(
      `INSERT INTO x (seq, id, occurred_at, tenant_id, actor_type, actor_connection_id, actor_token_id, action, target_type, target_id,
                      target_label, summary, details, correlation_id, source_ip, event_id, prev_hash, hash,
                      actor_key_id, actor_key_name, actor_scope, subject_email, subject_user_name, subject_account_id)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[], $16::uuid[], $17::bytea[], $18::bytea[],
                            $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[])`,
      [
        rows.map((r) => r.seq),
        rows.map((r) => r.id),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.tenantId),
        rows.map((r) => r.actorType),
        rows.map((r) => r.connectionId),
        rows.map((r) => r.tokenId),
        rows.map((r) => r.action),
        rows.map((r) => r.target?.type ?? null),
        rows.map((r) => r.target?.id ?? null),
        rows.map((r) => r.targetLabel),
        rows.map((r) => r.summary),
        rows.map((r) => JSON.stringify(r.details)),
        rows.map((r) => r.correlationId),
        rows.map((r) => r.sourceIp),
        rows.map((r) => r.eventId),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
        rows.map((r) => r.actorKey?.id ?? null),
        rows.map((r) => r.actorKey?.name ?? null),
        rows.map((r) => r.actorKey?.scope ?? null),
        rows.map((r) => r.subject?.email ?? null),
        rows.map((r) => r.subject?.userName ?? null),
        rows.map((r) => r.subject?.accountId ?? null),
      ],
    );
  }

  async function exported(encode: CopyRowEncoder, prefix?: Buffer): Promise<Buffer> {
    const copy = new PgCopyOutStream(
      `COPY (SELECT ${EXPORT_SELECT} FROM x e ORDER BY e.seq) TO STDOUT (FORMAT binary)`,
      EXPORT_COLUMNS.length,
      encode,
      prefix,
    );
    pg.query(copy as never);
    const chunks: Buffer[] = [];
    for await (const chunk of copy) chunks.push(chunk as Buffer);
    expect(copy.completed).toBe(true);
    return Buffer.concat(chunks);
  }

  /** What csvRecord makes of the stored rows, read back through node-pg (details as stored, jsonb's text). */
  async function expectedCsv(): Promise<string> {
    const { rows } = await pg.query<Record<string, string | null>>(
      `SELECT e.seq::text, e.id::text, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, e.tenant_id::text,
              e.actor_type, e.actor_connection_id, e.actor_token_id, e.action, e.target_type, e.target_id, e.target_label, e.summary,
              e.details::text, e.correlation_id, e.source_ip, e.event_id::text, encode(e.prev_hash, 'hex') AS prev_hash, encode(e.hash, 'hex') AS hash,
              e.actor_key_id, e.actor_key_name, e.actor_scope, e.subject_email, e.subject_user_name, e.subject_account_id
         FROM x e ORDER BY e.seq`,
    );
    return rows.map((r) => csvRecord(Object.values(r))).join('');
  }

  async function expectedEntries(): Promise<unknown[]> {
    return (await pg.query<{ item: unknown }>(`SELECT ${ENTRY_JSON} AS item FROM x e ORDER BY e.seq`)).rows.map(
      (r) => r.item,
    );
  }

  /** toBe, reporting the first difference (jest's diff of megabyte strings takes minutes). */
  function expectSameText(actual: string, expected: string): void {
    if (actual === expected) return;
    let i = 0;
    while (i < actual.length && actual[i] === expected[i]) i++;
    expect({ at: i, length: actual.length, actual: actual.slice(i - 80, i + 80) }).toEqual({
      at: i,
      length: expected.length,
      actual: expected.slice(i - 80, i + 80),
    });
  }

  async function expectBothAgree(rows: Row[]): Promise<void> {
    await load(rows);
    const header = Buffer.from('h\r\n');
    const csv = await exported(encodeCsvRecord, header);
    expectSameText(csv.toString('utf8'), `h\r\n${await expectedCsv()}`);
    const ndjson = (await exported(encodeNdjsonLine)).toString('utf8');
    expect(ndjson.endsWith('\n') || rows.length === 0).toBe(true);
    const lines = ndjson.split('\n').slice(0, -1);
    expect(lines.map((l) => JSON.parse(l))).toEqual(await expectedEntries());
  }

  // PostgreSQL text holds no NUL (and the trail stores no lone surrogates: see storable()).
  const tricky = fc.string({
    unit: fc.constantFrom(
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\r',
      '\n',
      '"',
      ',',
      "'",
      '\\',
      '\b',
      '\f',
      '\u0001',
      '\u001f',
      '\u007f',
      'a',
      ' ',
      'é',
      '€',
      '😀',
      '\u2028',
    ),
    maxLength: 12,
  });
  const anyText = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\u0000'));
  const text = fc.oneof(tricky, anyText);
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));
  const row = (seq: number) =>
    fc.record({
      seq: fc.constant(seq),
      id: fc.uuid(),
      // Whole milliseconds (a CHECK on the real table), 1970…2100, across day boundaries.
      occurredAt: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
      tenantId: fc.option(fc.uuid(), { nil: null }),
      actorType: fc.constantFrom('scim' as const, 'admin' as const, 'system' as const),
      connectionId: fc.option(text, { nil: null }),
      tokenId: fc.option(text, { nil: null }),
      action: fc.constantFrom('scim_user.created', 'token.issued', 'session.terminated'),
      target: fc.option(fc.record({ type: text, id: text }), { nil: null }),
      targetLabel: fc.option(text, { nil: null }),
      summary: text,
      details: fc.dictionary(
        text,
        fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 })),
      ),
      correlationId: fc.option(text, { nil: null }),
      sourceIp: fc.option(text, { nil: null }),
      eventId: fc.option(fc.uuid(), { nil: null }),
      prevHash: hash,
      hash,
      actorKey: fc.option(fc.record({ id: text, name: text, scope: fc.constantFrom('admin', 'tenant', 'sessions') }), {
        nil: null,
      }),
      subject: fc.option(
        fc.record({
          userName: fc.option(text, { nil: null }),
          email: fc.option(text, { nil: null }),
          accountId: fc.option(text, { nil: null }),
        }),
        { nil: null },
      ),
    });

  it('on generated rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 1000 }), { minLength: 0, maxLength: 40 }).chain((seqs) => {
          const unique = [...new Set(seqs.map((s, i) => s * 1000 + i + 1))];
          return fc.tuple(...unique.map((s) => row(s)));
        }),
        async (rows) => expectBothAgree(rows),
      ),
      { numRuns: 60 },
    );
  });

  it('on the injection cases, large sequence numbers, and values larger than a chunk', async () => {
    const base: Row = {
      seq: 1,
      id: '00000000-0000-4000-8000-000000000000',
      occurredAt: '2026-11-23T23:59:59.999Z',
      tenantId: null,
      actorType: 'scim',
      connectionId: null,
      tokenId: null,
      action: 'scim_user.created',
      target: null,
      targetLabel: null,
      summary: '',
      details: {},
      correlationId: null,
      sourceIp: null,
      eventId: null,
      prevHash: Buffer.alloc(32),
      hash: Buffer.alloc(32, 0xff),
    };
    const cells = [
      null,
      '',
      'plain',
      "=cmd|' /C calc'!A0",
      '+1',
      '-1',
      '@SUM(1)',
      '\tx',
      '\rx',
      '\nx',
      'a,b',
      'say "hi"',
      'a\nb',
      'a\rb',
      '"',
      ',',
      '=',
      'é€😀',
      'x=1',
    ];
    const big = `"${'a,"\n'.repeat(50_000)}`; // 200 KB that doubles when quoted: over three 64 KB chunks
    const rows: Row[] = [...cells, big].map((label, i) => ({
      ...base,
      seq: i + 1,
      targetLabel: label,
      summary: label ?? '',
      correlationId: label,
      target: label === null ? null : { type: 'user', id: label },
      subject: label === null ? null : { userName: label, email: i % 2 ? label : null, accountId: null },
      details: { label, big: i === cells.length ? big : null },
    }));
    rows.push({ ...base, seq: 2 ** 53 - 1, occurredAt: '2000-01-01T00:00:00.000Z', actorType: 'admin' });
    rows.push({ ...base, seq: 10 ** 15, occurredAt: '1999-12-31T23:59:59.999Z', actorType: 'system' });
    // Enough ordinary rows to cross many chunk boundaries.
    for (let i = 0; i < 3000; i++)
      rows.push({
        ...base,
        seq: 100_000 + i,
        summary: `entry ${i}, "quoted"`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      });
    await expectBothAgree(rows);
  });
});
