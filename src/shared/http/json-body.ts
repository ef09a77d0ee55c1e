import { isUtf8 } from 'node:buffer';

/**
 * Deepest JSON nesting a request body may have. Real SCIM resources stay below 8 (PATCH → Operations →
 * op → value → extension → attribute → element) and admin bodies below 5; open extensions get room.
 * Deeper bodies would exhaust the stack of class-validator, the SCIM normalisers or JSON.stringify.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Why a request's body or parameters were refused, before any route saw them. `kind` picks the SCIM
 * scimType (RFC 7644 §3.12: invalidSyntax for structure, invalidValue for a value); `field` and
 * `problem` become the admin API's `details` entry. `statusCode` makes the filters treat it as a
 * client error.
 */
export class RejectedInput extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 415,
    readonly kind: 'syntax' | 'value' | 'encoding',
    readonly field: string,
    readonly problem: string,
  ) {
    super(problem);
    this.name = 'RejectedInput';
  }
}

/** U+0000, or a UTF-16 surrogate without its partner (JSON `"\ud800"`): valid JSON, unstorable text. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Only these escapes can put such a code unit into a string of valid UTF-8 JSON text. */
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Whether PostgreSQL's jsonb takes `text` as JSON.parse did: not with a byte-order mark, nor with a
 * number past numeric's range (JSON.parse makes it Infinity or 0); a long run of digits or a
 * four-digit exponent anywhere — in a string too — falls back to JSON.stringify, to be safe.
 */
function storableAsSent(text: string): boolean {
  if (text.charCodeAt(0) === 0xfeff) return false;
  // One linear scan (a regular expression for "1,000 digits" backtracks on every shorter run).
  let run = 0;
  let exponent = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++run >= 1000 || (exponent >= 0 && ++exponent >= 4)) return false;
    } else if ((c === 0x65 || c === 0x45) && run > 0) {
      run = 0;
      exponent = 0;
    } else if ((c === 0x2b || c === 0x2d) && exponent === 0 && run === 0) {
      continue;
    } else {
      run = 0;
      exponent = -1;
    }
  }
  return true;
}

/** The text each accepted body was parsed from (see `jsonText`). */
const sourceTexts = new WeakMap<object, string>();

/**
 * JSON text of `value`: the request text it was parsed from when `value` is an accepted body (saves
 * serialising a 2 MiB body a second time to store it as sent; PostgreSQL parses the text either
 * way, and keeps its numbers exactly as sent), else JSON.stringify. Bodies are never mutated.
 */
export function jsonText(value: unknown): string {
  const source = typeof value === 'object' && value !== null ? sourceTexts.get(value) : undefined;
  return source !== undefined && storableAsSent(source) ? source : JSON.stringify(value);
}

/**
 * Parses and checks one JSON request body in a single linear pass, before any route, pipe or
 * normaliser walks it: the bytes must be UTF-8 (RFC 8259 §8.1 — never silently replaced by U+FFFD),
 * the text JSON (via `parse`, which keeps Fastify's prototype-poisoning checks), the top level an
 * object (every Roster body is one), nesting at most MAX_BODY_DEPTH, and no string or key may hold a
 * NUL or an unpaired surrogate (every string counts: SCIM keeps the whole body as `raw_payload`).
 * V8's JSON.parse and this walk are iterative, so no depth can overflow the stack here.
 * An empty body is "no body" (undefined).
 */
export function parseJsonBody(bytes: Buffer, parse: (text: string) => unknown): unknown {
  if (!isUtf8(bytes)) throw new RejectedInput(400, 'syntax', '(body)', 'request body is not valid UTF-8');
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  const value = parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RejectedInput(400, 'syntax', '(body)', 'request body must be a JSON object');
  }
  const problem = inspect(value, UNSTORABLE_ESCAPE.test(text), false);
  if (problem) {
    const where = inspect(value, true, true)!;
    throw where.kind === 'depth'
      ? new RejectedInput(
          400,
          'syntax',
          clip(where.path),
          `request body is nested deeper than ${MAX_BODY_DEPTH} levels (at '${clip(where.path)}')`,
        )
      : new RejectedInput(
          400,
          'value',
          clip(where.path),
          `the ${where.kind} at '${clip(where.path)}' contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`,
        );
  }
  sourceTexts.set(value, text);
  return value;
}

/**
 * Fastify does not decode request bodies, so a compressed body would be parsed as JSON text or, when
 * it happens to be text, applied while the sender meant something else. Decoding would need a bounded
 * inflater (a 2 MiB gzip body can expand a thousandfold) for a feature no IdP uses: refuse every coding
 * but identity with 415 (RFC 9110 §15.5.16; the filters add `Accept-Encoding: identity`, RFC 7694 §3).
 */
export function assertIdentityEncoding(header: string | string[] | undefined): void {
  if (header === undefined) return;
  const codings = (Array.isArray(header) ? header.join(',') : header).split(',');
  for (const c of codings) {
    const coding = c.trim().toLowerCase();
    if (coding !== '' && coding !== 'identity') {
      throw new RejectedInput(
        415,
        'encoding',
        'content-encoding',
        'request bodies are accepted without Content-Encoding only (send identity, uncompressed JSON)',
      );
    }
  }
}

/**
 * Path parameters and query values with a NUL or an unpaired surrogate: such an id names no resource
 * (404), and such a query value could only fail in PostgreSQL (400).
 */
export function assertStorableParameters(params: unknown, query: unknown): void {
  if (typeof params === 'object' && params !== null) {
    for (const v of Object.values(params)) {
      if (typeof v === 'string' && UNSTORABLE.test(v))
        throw new RejectedInput(404, 'value', '(path)', 'resource not found');
    }
  }
  if (typeof query !== 'object' || query === null) return;
  for (const [k, raw] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (UNSTORABLE.test(k) || values.some((v) => typeof v === 'string' && UNSTORABLE.test(v))) {
      const field = printable(k);
      throw new RejectedInput(
        400,
        'value',
        field,
        `query parameter '${field}' contains a NUL character or an unpaired UTF-16 surrogate`,
      );
    }
  }
}

interface Problem {
  kind: 'depth' | 'value' | 'name';
  path: string;
}

/**
 * The first problem of a parsed body, iteratively. The fast pass (every request) keeps no paths and
 * tests strings only when the text has an escape that could produce a bad one; the slow pass (only
 * after a problem) renders the path of the first one found, e.g. `emails[0].value`.
 */
function inspect(root: object, checkStrings: boolean, withPaths: boolean): Problem | undefined {
  const values: unknown[] = [root];
  const depths: number[] = [0];
  const paths: string[] = [''];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    const path = withPaths ? paths.pop()! : '';
    if (typeof value === 'string') {
      if (checkStrings && UNSTORABLE.test(value)) return { kind: 'value', path };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { kind: 'depth', path };
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        values.push(value[i]);
        depths.push(depth + 1);
        if (withPaths) paths.push(`${path}[${i}]`);
      }
      continue;
    }
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const keyPath = withPaths ? (path === '' ? printable(k) : `${path}.${printable(k)}`) : '';
      if (checkStrings && UNSTORABLE.test(k)) return { kind: 'name', path: keyPath };
      values.push((value as Record<string, unknown>)[k]);
      depths.push(depth + 1);
      if (withPaths) paths.push(keyPath);
    }
  }
  return undefined;
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function printable(k: string): string {
  const safe = k.replace(UNSTORABLE_ALL, '\uFFFD');
  return safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
}

function clip(path: string): string {
  if (path === '') return '(body)';
  return path.length > 120 ? `…${path.slice(-120)}` : path;
}
