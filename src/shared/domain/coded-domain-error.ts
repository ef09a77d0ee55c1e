import { DomainError, type DomainErrorKind } from './domain-error';

/** A module's codes by name: `{ NOT_FOUND: 'STAGING.NOT_FOUND', … }` (keeping each name's TSDoc). */
export type ErrorCodes<P extends string, T> = { readonly [K in keyof T]: `${P}.${K & string}` };

/** The union of the code strings of an `errorCodes` table. */
export type ErrorCodeOf<T extends Readonly<Record<string, string>>> = T[keyof T];

const kindOfCode = new Map<string, DomainErrorKind>();

/**
 * Declares a module's error codes once, each with how the edge treats it: `errorCodes('SYNC',
 * { RUN_NOT_FOUND: 'not_found' })` is `{ RUN_NOT_FOUND: 'SYNC.RUN_NOT_FOUND' }`, and a
 * `CodedDomainError` with that code has kind `not_found`.
 */
export function errorCodes<P extends string, T extends Readonly<Record<string, DomainErrorKind>>>(
  prefix: P,
  kinds: T,
): ErrorCodes<P, T> {
  const codes: Record<string, string> = {};
  for (const [name, kind] of Object.entries<DomainErrorKind>(kinds)) {
    const code = `${prefix}.${name}`;
    kindOfCode.set(code, kind);
    codes[name] = code;
  }
  return Object.freeze(codes) as ErrorCodes<P, T>;
}

/** An error a module raises with one of its `errorCodes`; its `kind` is the one declared there. */
export abstract class CodedDomainError<C extends string> extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(
    readonly code: C,
    message: string,
    details?: ReadonlyArray<{ field: string; problem: string }>,
  ) {
    super(message, details);
    this.kind = kindOfCode.get(code) as DomainErrorKind;
  }
}
