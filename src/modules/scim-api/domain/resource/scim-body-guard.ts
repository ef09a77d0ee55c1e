import { ScimError } from '../../../../shared/scim/scim-error';

/**
 * Deepest JSON nesting a SCIM body may have. Real resources stay below 8 (PATCH → Operations → op →
 * value → extension → attribute → element); open extensions get generous room. Deeper bodies would
 * exhaust the stack of the recursive normalisers, JSON.stringify and the raw-payload copy (a 500).
 */
export const MAX_BODY_DEPTH = 32;

/** U+0000, or a UTF-16 surrogate without its partner (JSON `"\ud800"`): valid JSON, unstorable text. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Rejects a SCIM POST/PUT/PATCH body the service cannot process or store, before any normaliser
 * walks it:
 * - nesting deeper than MAX_BODY_DEPTH → invalidSyntax;
 * - a string or key PostgreSQL cannot hold → invalidValue: `text` refuses NUL, `jsonb` refuses
 *   `\u0000` and unpaired surrogates (RFC 8259 §8.2 leaves such strings' meaning unpredictable). Every
 *   string and key counts — the whole body is kept as `raw_payload`, unknown attributes included.
 * Without this the INSERT (or the stack) fails and the client gets a 500 for a body it can fix.
 * Iterative, so the check itself cannot exhaust the stack.
 */
export function assertAcceptableBody(body: unknown): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) throw unstorable(path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw ScimError.invalidSyntax(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels (at '${clipPath(path)}').`);
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      const at = path === '' ? printable(k) : `${path}.${printable(k)}`;
      if (UNSTORABLE.test(k)) throw unstorable(at, 'name');
      stack.push({ value: v, path: at, depth: depth + 1 });
    }
  }
}

function printable(k: string): string {
  const safe = k.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
  return safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
}

function clipPath(path: string): string {
  if (path === '') return '(body)';
  return path.length > 120 ? `…${path.slice(-120)}` : path;
}

function unstorable(path: string, what: 'value' | 'name' = 'value'): ScimError {
  return ScimError.invalidValue(
    `The ${what} at '${clipPath(path)}' contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.`,
  );
}
