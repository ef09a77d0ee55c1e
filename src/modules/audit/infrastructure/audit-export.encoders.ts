import type { ByteWriter } from './byte-writer';
import type { CopyRow, CopyRowEncoder } from './pg-copy-out.stream';

/**
 * The export's records, written in Node from the raw columns of a binary COPY (see
 * PgCopyOutStream for why). Byte-level twins of two specifications, and tested against them:
 * - CSV: domain/csv.ts (`csvRecord`) — RFC 4180 quoting and formula neutralisation;
 * - NDJSON: the API view of an entry (the repository's ENTRY_JSON), one JSON object per line.
 *
 * Text arrives as UTF-8 (node-pg sets client_encoding), so multi-byte characters never contain
 * an ASCII byte and can be copied through; only ASCII bytes are inspected.
 */

/** The columns EXPORT_SELECT reads, in order — the indices below refer to it. */
export const EXPORT_COLUMNS = [
  'seq', // int8
  'id', // uuid
  'occurred_at', // timestamptz
  'tenant_id', // uuid
  'actor_type', // text
  'actor_connection_id', // text
  'actor_token_id', // text
  'action', // text
  'target_type', // text
  'target_id', // text
  'target_label', // text
  'summary', // text
  'details', // jsonb
  'correlation_id', // text
  'source_ip', // text
  'event_id', // uuid
  'prev_hash', // bytea
  'hash', // bytea
  'actor_key_id', // text
  'actor_key_name', // text
  'actor_scope', // text
  'subject_email', // text
  'subject_user_name', // text
  'subject_account_id', // text
] as const;

const C = Object.fromEntries(EXPORT_COLUMNS.map((name, i) => [name, i])) as Record<
  (typeof EXPORT_COLUMNS)[number],
  number
>;

export const EXPORT_SELECT = EXPORT_COLUMNS.map((c) => `e.${c}`).join(', ');

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const APOSTROPHE = 0x27;

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const ascii = (s: string) => Buffer.from(s, 'latin1');

// ---- fixed-width values (PostgreSQL's binary send formats) ---------------------------------------

/** int8: big-endian; audit sequences stay far below 2^53. */
function writeInt8(out: ByteWriter, data: Buffer, at: number): void {
  let n = data.readInt32BE(at) * 4294967296 + data.readUInt32BE(at + 4);
  if (n === 0) return out.byte(0x30);
  if (n < 0) {
    out.byte(0x2d);
    n = -n;
  }
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  const buf = out.buf;
  for (let i = out.at + digits - 1; i >= out.at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  out.at += digits;
}

function writeHex(out: ByteWriter, data: Buffer, from: number, to: number): void {
  const buf = out.buf;
  let at = out.at;
  for (let i = from; i < to; i++) {
    buf[at++] = HEX[data[i] >> 4];
    buf[at++] = HEX[data[i] & 15];
  }
  out.at = at;
}

/** uuid: 16 bytes → the canonical lower-case 8-4-4-4-12 form (uuid_out). */
function writeUuid(out: ByteWriter, data: Buffer, at: number): void {
  writeHex(out, data, at, at + 4);
  out.byte(0x2d);
  writeHex(out, data, at + 4, at + 6);
  out.byte(0x2d);
  writeHex(out, data, at + 6, at + 8);
  out.byte(0x2d);
  writeHex(out, data, at + 8, at + 10);
  out.byte(0x2d);
  writeHex(out, data, at + 10, at + 16);
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
let cachedDay = NaN;
let cachedDayPrefix = Buffer.alloc(0);

function writeTwo(buf: Buffer, at: number, n: number): void {
  buf[at] = 0x30 + Math.floor(n / 10);
  buf[at + 1] = 0x30 + (n % 10);
}

/**
 * timestamptz: microseconds since 2000-01-01 UTC → `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form the trail
 * hashes and the API shows (Date#toISOString; occurred_at holds whole milliseconds, a CHECK).
 * The date part is cached: an export walks the trail in time order, so it changes once a day.
 */
function writeTimestamp(out: ByteWriter, data: Buffer, at: number): void {
  const us = data.readInt32BE(at) * 4294967296 + data.readUInt32BE(at + 4);
  const ms = Math.floor(us / 1000) + PG_EPOCH_MS;
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = ascii(new Date(day * DAY_MS).toISOString().slice(0, 11)); // YYYY-MM-DDT
  }
  out.bytes(cachedDayPrefix);
  let rest = ms - day * DAY_MS;
  const buf = out.buf;
  const p = out.at;
  writeTwo(buf, p, Math.floor(rest / 3_600_000));
  rest %= 3_600_000;
  buf[p + 2] = 0x3a;
  writeTwo(buf, p + 3, Math.floor(rest / 60_000));
  rest %= 60_000;
  buf[p + 5] = 0x3a;
  writeTwo(buf, p + 6, Math.floor(rest / 1000));
  rest %= 1000;
  buf[p + 8] = 0x2e;
  buf[p + 9] = 0x30 + Math.floor(rest / 100);
  writeTwo(buf, p + 10, rest % 100);
  buf[p + 12] = 0x5a; // Z
  out.at = p + 13;
}

/** jsonb: a version byte (1) and the text form. */
function jsonbTextStart(data: Buffer, at: number): number {
  if (data[at] !== 1) throw new Error(`unsupported jsonb binary version ${data[at]}`);
  return at + 1;
}

// ---- CSV -------------------------------------------------------------------------------------------

/** The CSV header, in record order. */
export const CSV_COLUMNS = [
  'sequence',
  'id',
  'occurred_at',
  'tenant_id',
  'actor_type',
  'actor_connection_id',
  'actor_token_id',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'summary',
  'details',
  'correlation_id',
  'source_ip',
  'event_id',
  'prev_hash',
  'hash',
  'actor_key_id',
  'actor_key_name',
  'actor_scope',
  'subject_email',
  'subject_user_name',
  'subject_account_id',
] as const;

/** `= + - @ TAB CR`: a cell a spreadsheet would evaluate (see domain/csv.ts). */
const startsFormula = (b: number) => b === 0x3d || b === 0x2b || b === 0x2d || b === 0x40 || b === TAB || b === CR;

/** The bytes of `data[from, to)` between double quotes, inner quotes doubled. */
function writeQuoted(out: ByteWriter, data: Buffer, from: number, to: number, prefix: number): void {
  const buf = out.buf;
  let at = out.at;
  buf[at++] = QUOTE;
  if (prefix) buf[at++] = prefix;
  for (let i = from; i < to; i++) {
    const b = data[i];
    buf[at++] = b;
    if (b === QUOTE) buf[at++] = QUOTE;
  }
  buf[at++] = QUOTE;
  out.at = at;
}

/** One CSV field from a text column: csvCell of domain/csv.ts, byte for byte. */
function csvText(out: ByteWriter, row: CopyRow, col: number): void {
  if (row.length[col] > 0) csvBytes(out, row.data, row.start[col], row.start[col] + row.length[col]);
}

function csvBytes(out: ByteWriter, data: Buffer, from: number, to: number): void {
  if (from === to) return;
  if (startsFormula(data[from])) return writeQuoted(out, data, from, to, APOSTROPHE);
  // Copy while checking (one pass): nearly every field is plain; a field that is not is rewritten quoted.
  const buf = out.buf;
  const at = out.at;
  for (let i = from, j = at; i < to; i++, j++) {
    const b = data[i];
    if (b === QUOTE || b === COMMA || b === CR || b === LF) return writeQuoted(out, data, from, to, 0);
    buf[j] = b;
  }
  out.at = at + (to - from);
}

function csvUuid(out: ByteWriter, row: CopyRow, col: number): void {
  if (row.length[col] === 16) writeUuid(out, row.data, row.start[col]);
}

/** Upper bound of a CSV field's size: every byte a doubled quote, plus quotes and the `'` prefix. */
function csvRowBound(row: CopyRow): number {
  let n = 512; // the fixed-width fields and separators
  for (const col of CSV_TEXT_COLUMNS) n += 2 * Math.max(row.length[col], 0) + 3;
  return n;
}
const CSV_MIDDLE_COLUMNS = [
  C.actor_type,
  C.actor_connection_id,
  C.actor_token_id,
  C.action,
  C.target_type,
  C.target_id,
  C.target_label,
  C.summary,
];

/** Appended after the hash (columns added with API keys, then subjects; earlier columns keep their places). */
const CSV_KEY_COLUMNS = [
  C.actor_key_id,
  C.actor_key_name,
  C.actor_scope,
  C.subject_email,
  C.subject_user_name,
  C.subject_account_id,
];

/** Every text column (details, jsonb, aside): what can make a record long. */
const TEXT_COLUMNS = [...CSV_MIDDLE_COLUMNS, C.correlation_id, C.source_ip, ...CSV_KEY_COLUMNS];
const CSV_TEXT_COLUMNS = [...TEXT_COLUMNS, C.details];

/** A record in CSV_COLUMNS order (the repository's header), CRLF-terminated. */
export const encodeCsvRecord: CopyRowEncoder = (row, out) => {
  out.reserve(csvRowBound(row));
  const { data, start } = row;
  writeInt8(out, data, start[C.seq]);
  out.byte(COMMA);
  writeUuid(out, data, start[C.id]);
  out.byte(COMMA);
  writeTimestamp(out, data, start[C.occurred_at]);
  out.byte(COMMA);
  csvUuid(out, row, C.tenant_id);
  for (const col of CSV_MIDDLE_COLUMNS) {
    out.byte(COMMA);
    csvText(out, row, col);
  }
  out.byte(COMMA);
  csvBytes(out, data, jsonbTextStart(data, start[C.details]), start[C.details] + row.length[C.details]);
  out.byte(COMMA);
  csvText(out, row, C.correlation_id);
  out.byte(COMMA);
  csvText(out, row, C.source_ip);
  out.byte(COMMA);
  csvUuid(out, row, C.event_id);
  out.byte(COMMA);
  writeHex(out, data, start[C.prev_hash], start[C.prev_hash] + row.length[C.prev_hash]);
  out.byte(COMMA);
  writeHex(out, data, start[C.hash], start[C.hash] + row.length[C.hash]);
  for (const col of CSV_KEY_COLUMNS) {
    out.byte(COMMA);
    csvText(out, row, col);
  }
  out.byte(CR);
  out.byte(LF);
};

// ---- NDJSON ----------------------------------------------------------------------------------------

/** JSON string escapes (RFC 8259 §7), as JSON.stringify and PostgreSQL's escape_json write them. */
const JSON_ESCAPE: Buffer[] = Array.from({ length: 128 }, (_, b) => {
  if (b === QUOTE) return ascii('\\"');
  if (b === BACKSLASH) return ascii('\\\\');
  const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
  return b < 0x20 ? ascii(short[b] ?? `\\u${b.toString(16).padStart(4, '0')}`) : Buffer.alloc(0);
});
/** 1 for the bytes JSON_ESCAPE rewrites. */
const MUST_ESCAPE = Uint8Array.from({ length: 256 }, (_, b) => (b < 128 && JSON_ESCAPE[b].length > 0 ? 1 : 0));
const NULL = ascii('null');

/** A text column as a JSON string, or `null`. */
function jsonText(out: ByteWriter, row: CopyRow, col: number): void {
  const n = row.length[col];
  if (n < 0) return out.bytes(NULL);
  const data = row.data;
  const from = row.start[col];
  const to = from + n;
  const buf = out.buf;
  let j = out.at;
  buf[j++] = QUOTE;
  for (let i = from; i < to; i++) {
    const b = data[i];
    if (MUST_ESCAPE[b] === 0) buf[j++] = b;
    else {
      const escape = JSON_ESCAPE[b];
      for (let k = 0; k < escape.length; k++) buf[j++] = escape[k];
    }
  }
  buf[j++] = QUOTE;
  out.at = j;
}

function jsonUuid(out: ByteWriter, row: CopyRow, col: number): void {
  if (row.length[col] !== 16) return out.bytes(NULL);
  out.byte(QUOTE);
  writeUuid(out, row.data, row.start[col]);
  out.byte(QUOTE);
}

const K = {
  id: ascii('{"id":"'),
  sequence: ascii('","sequence":'),
  occurredAt: ascii(',"occurredAt":"'),
  tenantId: ascii('","tenantId":'),
  actorScim: ascii(',"actor":{"type":"scim","connectionId":'),
  tokenId: ascii(',"tokenId":'),
  actorType: ascii(',"actor":{"type":'),
  keyId: ascii(',"keyId":'),
  keyName: ascii(',"keyName":'),
  scope: ascii(',"scope":'),
  action: ascii('},"action":'),
  targetNull: ascii(',"target":null'),
  targetType: ascii(',"target":{"type":'),
  targetId: ascii(',"id":'),
  targetEnd: ascii('}'),
  targetLabel: ascii(',"targetLabel":'),
  subjectNull: ascii(',"subject":null'),
  subjectUserName: ascii(',"subject":{"userName":'),
  subjectEmail: ascii(',"email":'),
  subjectAccountId: ascii(',"accountId":'),
  subjectEnd: ascii('}'),
  summary: ascii(',"summary":'),
  details: ascii(',"details":'),
  correlationId: ascii(',"correlationId":'),
  sourceIp: ascii(',"sourceIp":'),
  eventId: ascii(',"eventId":'),
  prevHash: ascii(',"prevHash":"'),
  hash: ascii('","hash":"'),
  end: ascii('"}\n'),
};
const SCIM = ascii('scim');

/** A member, `"key":` in `K`, and the text column that is its value. */
type Member = readonly [key: Buffer, column: number];

/** Writes each member's key and its column as a JSON string (or null). */
function jsonMembers(out: ByteWriter, row: CopyRow, members: readonly Member[]): void {
  // An index loop: for…of with destructuring costs an iterator and a tuple read per member, per row.
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    out.bytes(member[0]);
    jsonText(out, row, member[1]);
  }
}

const SCIM_ACTOR: readonly Member[] = [
  [K.actorScim, C.actor_connection_id],
  [K.tokenId, C.actor_token_id],
];
const ACTOR_KEY: readonly Member[] = [
  [K.keyId, C.actor_key_id],
  [K.keyName, C.actor_key_name],
  [K.scope, C.actor_scope],
];
const TARGET: readonly Member[] = [
  [K.targetType, C.target_type],
  [K.targetId, C.target_id],
];
const SUBJECT: readonly Member[] = [
  [K.subjectUserName, C.subject_user_name],
  [K.subjectEmail, C.subject_email],
  [K.subjectAccountId, C.subject_account_id],
];
const LABEL: readonly Member[] = [[K.targetLabel, C.target_label]];
const SUMMARY: readonly Member[] = [[K.summary, C.summary]];
const REQUEST: readonly Member[] = [
  [K.correlationId, C.correlation_id],
  [K.sourceIp, C.source_ip],
];

/** One entry as the list API shows it (ENTRY_JSON), newline-terminated. */
export const encodeNdjsonLine: CopyRowEncoder = (row, out) => {
  let bound = 768 + Math.max(row.length[C.details], 0); // keys, fixed-width values; details verbatim
  for (const col of TEXT_COLUMNS) bound += 6 * Math.max(row.length[col], 0) + 4;
  out.reserve(bound);
  const { data, start, length } = row;
  out.bytes(K.id);
  writeUuid(out, data, start[C.id]);
  out.bytes(K.sequence);
  writeInt8(out, data, start[C.seq]);
  out.bytes(K.occurredAt);
  writeTimestamp(out, data, start[C.occurred_at]);
  out.bytes(K.tenantId);
  jsonUuid(out, row, C.tenant_id);
  const isScim =
    length[C.actor_type] === 4 && data.compare(SCIM, 0, 4, start[C.actor_type], start[C.actor_type] + 4) === 0;
  if (isScim) jsonMembers(out, row, SCIM_ACTOR);
  else {
    out.bytes(K.actorType);
    jsonText(out, row, C.actor_type);
    if (length[C.actor_key_id] >= 0) jsonMembers(out, row, ACTOR_KEY);
  }
  out.bytes(K.action);
  jsonText(out, row, C.action);
  if (length[C.target_type] < 0) out.bytes(K.targetNull);
  else {
    jsonMembers(out, row, TARGET);
    out.bytes(K.targetEnd);
  }
  jsonMembers(out, row, LABEL);
  if (length[C.subject_user_name] < 0 && length[C.subject_email] < 0 && length[C.subject_account_id] < 0) {
    out.bytes(K.subjectNull);
  } else {
    jsonMembers(out, row, SUBJECT);
    out.bytes(K.subjectEnd);
  }
  jsonMembers(out, row, SUMMARY);
  out.bytes(K.details);
  // jsonb's text form is JSON already.
  out.copy(data, jsonbTextStart(data, start[C.details]), start[C.details] + length[C.details]);
  jsonMembers(out, row, REQUEST);
  out.bytes(K.eventId);
  jsonUuid(out, row, C.event_id);
  out.bytes(K.prevHash);
  writeHex(out, data, start[C.prev_hash], start[C.prev_hash] + length[C.prev_hash]);
  out.bytes(K.hash);
  writeHex(out, data, start[C.hash], start[C.hash] + length[C.hash]);
  out.bytes(K.end);
};
