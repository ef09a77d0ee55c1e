/**
 * CSV per RFC 4180 with formula-injection protection — hand-written rather than a dependency
 * (`csv-stringify`) because the whole of it is the two rules below, it sits on the export's hot path
 * (one call per cell, millions of cells), and the neutralisation rule is ours to define anyway.
 *
 * - RFC 4180 §2.6–2.7: a field containing `"`, `,`, CR or LF is enclosed in double quotes and each
 *   inner `"` is doubled. Records end with CRLF (§2.1); the first record is a header (§2.3).
 * - Formula injection (OWASP "CSV Injection"): spreadsheet programs evaluate a cell that begins with
 *   `=`, `+`, `-`, `@`, TAB or CR (e.g. `=cmd|' /C calc'!A0`). Such a cell is neutralised by
 *   prefixing a single quote `'` and always quoting it: `"'=cmd|' /C calc'!A0"`. Spreadsheets show
 *   the text as typed; a program reading the CSV sees the leading `'` and can strip it. No value
 *   Roster writes itself begins with those characters, so only externally supplied text (names,
 *   externalIds, request ids) is ever prefixed.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

export const CSV_LINE_END = '\r\n';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : String(value);
  if (s === '') return '';
  if (FORMULA_START.test(s)) return `"'${s.replace(QUOTE, '""')}"`;
  if (NEEDS_QUOTES.test(s)) return `"${s.replace(QUOTE, '""')}"`;
  return s;
}

export function csvRecord(values: ReadonlyArray<string | number | null | undefined>): string {
  return values.map(csvCell).join(',') + CSV_LINE_END;
}
