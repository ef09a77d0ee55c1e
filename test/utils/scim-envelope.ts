import type { HttpResult } from './http-client';

export const SCIM_ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 Table 9: the scimType values a 400 may carry (uniqueness is 409, sensitive is 403). */
export const SCIM_400_TYPES: readonly string[] = [
  'invalidFilter',
  'tooMany',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
];

/**
 * What must never reach a client: stack frames, source paths, driver/SQL errors. Client input is
 * echoed in error details (clipped), so the patterns are ones a fuzzer cannot assemble by chance.
 */
const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['stack frame', /\n\s+at\s|\bat (?:async )?\S+ \([^)]*:\d+:\d+\)/],
  ['source file position', /\.(?:ts|js):\d+:\d+/],
  ['server path', /\/work\/|node_modules|[/\\]src[/\\](?:modules|shared)[/\\]/],
  [
    'driver error',
    /QueryFailedError|EntityNotFound|duplicate key value|violates (?:unique|check|foreign key|not-null) constraint|syntax error at or near|invalid input syntax for/,
  ],
  ['JS error name', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): /],
];

/**
 * Every way `res` breaks the SCIM error contract, as readable strings (empty = fine). Used by the
 * property tests, which report the offending request alongside.
 */
export function scimContractViolations(res: HttpResult): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status} (server error)`);
  const hasBody = res.text.length > 0;
  const contentType = res.headers.get('content-type') ?? '';
  if (hasBody && !/^application\/scim\+json\b/.test(contentType)) problems.push(`content-type "${contentType}"`);
  for (const [name, re] of LEAKS) if (re.test(res.text)) problems.push(`body leaks a ${name}`);
  if (res.status >= 400) {
    const b = res.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object') problems.push('error without a JSON body');
    else {
      if (!Array.isArray(b.schemas) || b.schemas.length !== 1 || b.schemas[0] !== SCIM_ERROR_URN)
        problems.push(`schemas ${JSON.stringify(b.schemas)}`);
      if (b.status !== String(res.status))
        problems.push(`envelope status ${JSON.stringify(b.status)} for HTTP ${res.status}`);
      if (typeof b.detail !== 'string' || b.detail === '') problems.push('detail is not a non-empty string');
      if (res.status === 400 && !SCIM_400_TYPES.includes(b.scimType as string))
        problems.push(`400 with scimType ${JSON.stringify(b.scimType)}`);
      if (res.status === 409 && b.scimType !== 'uniqueness')
        problems.push(`409 with scimType ${JSON.stringify(b.scimType)}`);
      if (b.scimType !== undefined && typeof b.scimType !== 'string') problems.push('scimType is not a string');
    }
  }
  return problems;
}

/** Throws (for fast-check / jest) with the request and the response when the contract is broken. */
export function assertScimContract(res: HttpResult, request: string, extra: string[] = []): void {
  const problems = [...scimContractViolations(res), ...extra];
  if (problems.length > 0) {
    throw new Error(`${request}\n  → ${res.status} ${res.text.slice(0, 400)}\n  problems: ${problems.join('; ')}`);
  }
}

/** Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters. */
export function encodeQueryValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
