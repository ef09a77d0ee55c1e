import { ScimError } from '../scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue, PatchPath } from '../scim-filter.ast';

/**
 * Hand-written tokenizer + recursive-descent parser for RFC 7644 §3.4.2.2 filters (Figure 1 ABNF)
 * and for the attribute paths of §3.4.2.3 (`sortBy`), §3.4.2.5 (`attributes`) and §3.5.2 (PATCH `path`).
 *
 * Why hand-written: filters arrive from the network; a regex-based parser invites catastrophic
 * backtracking and a naive recursive one invites stack overflows. Both inputs are bounded here
 * (length and nesting), every step is linear, and every failure is a ScimError.
 *
 * Positions in error messages are 1-based character offsets into the client's input.
 */

/** Longest filter / path we accept; anything longer is rejected before tokenizing. */
export const MAX_FILTER_LENGTH = 10_000;
/** Deepest nesting of `(`, `[` and `not` we accept (protects the recursive descent from stack exhaustion). */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type ErrorFactory = (detail: string) => ScimError;

type Token =
  | { readonly type: 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'eof'; readonly pos: number; readonly end: number }
  | { readonly type: 'string'; readonly value: string; readonly pos: number; readonly end: number }
  | { readonly type: 'word'; readonly text: string; readonly pos: number; readonly end: number };

/** Shortens client text echoed back in error details (they are rendered in the SCIM error envelope). */
function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of input';
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'lbracket':
      return "'['";
    case 'rbracket':
      return "']'";
    case 'string':
      return `string ${excerpt(JSON.stringify(token.value))}`;
    case 'word':
      return `'${excerpt(token.text)}'`;
  }
}

function at(token: Token): string {
  return token.type === 'eof' ? 'at end of input' : `at position ${token.pos + 1}`;
}

function isWhitespace(ch: string): boolean {
  // RFC 7644 §3.4.2.2 separates tokens with SP; tabs/newlines are tolerated for hand-written requests.
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function isDelimiter(ch: string): boolean {
  return ch === '(' || ch === ')' || ch === '[' || ch === ']' || ch === '"' || isWhitespace(ch);
}

function isAlpha(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function hexValue(ch: string): number {
  if (isDigit(ch)) return ch.charCodeAt(0) - 48;
  const lower = ch.toLowerCase();
  if (lower >= 'a' && lower <= 'f') return lower.charCodeAt(0) - 87;
  return -1;
}

/** Scans a JSON string (RFC 8259 §7) starting at the opening quote; returns the decoded value and the end offset. */
function scanString(input: string, start: number, fail: ErrorFactory): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch !== '\\') {
      out += ch;
      i += 1;
      continue;
    }
    const esc = input[i + 1];
    switch (esc) {
      case '"':
      case '\\':
      case '/':
        out += esc;
        i += 2;
        break;
      case 'b':
        out += '\b';
        i += 2;
        break;
      case 'f':
        out += '\f';
        i += 2;
        break;
      case 'n':
        out += '\n';
        i += 2;
        break;
      case 'r':
        out += '\r';
        i += 2;
        break;
      case 't':
        out += '\t';
        i += 2;
        break;
      case 'u': {
        let code = 0;
        for (let k = 2; k < 6; k += 1) {
          const digit = i + k < input.length ? hexValue(input[i + k]) : -1;
          if (digit < 0) throw fail(`invalid \\u escape in string at position ${i + 1}: expected four hex digits`);
          code = code * 16 + digit;
        }
        out += String.fromCharCode(code);
        i += 6;
        break;
      }
      case undefined:
        throw fail(`unterminated string starting at position ${start + 1}`);
      default:
        throw fail(`invalid escape '\\${esc}' in string at position ${i + 1}`);
    }
  }
  throw fail(`unterminated string starting at position ${start + 1}`);
}

function tokenize(input: string, fail: ErrorFactory): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (isWhitespace(ch)) {
      i += 1;
      continue;
    }
    switch (ch) {
      case '(':
        tokens.push({ type: 'lparen', pos: i, end: i + 1 });
        i += 1;
        continue;
      case ')':
        tokens.push({ type: 'rparen', pos: i, end: i + 1 });
        i += 1;
        continue;
      case '[':
        tokens.push({ type: 'lbracket', pos: i, end: i + 1 });
        i += 1;
        continue;
      case ']':
        tokens.push({ type: 'rbracket', pos: i, end: i + 1 });
        i += 1;
        continue;
      case '"': {
        const { value, end } = scanString(input, i, fail);
        tokens.push({ type: 'string', value, pos: i, end });
        i = end;
        continue;
      }
      default: {
        // A "word" is an attribute path, an operator/keyword, or a JSON literal / bareword value;
        // its meaning depends on where the grammar is when it meets it.
        const start = i;
        while (i < input.length && !isDelimiter(input[i])) i += 1;
        tokens.push({ type: 'word', text: input.slice(start, i), pos: start, end: i });
      }
    }
  }
  tokens.push({ type: 'eof', pos: input.length, end: input.length });
  return tokens;
}

/** RFC 7644 §3.4.2.2: ATTRNAME = ALPHA *(nameChar); nameChar = "-" / "_" / DIGIT / ALPHA. */
function isAttrName(name: string): boolean {
  // RFC 7643 §2.4 / §8.7.1 use "$ref" as a sub-attribute name although it violates ATTRNAME; accept a leading "$".
  const first = name.startsWith('$') ? 1 : 0;
  if (name.length <= first || !isAlpha(name[first])) return false;
  for (let i = first + 1; i < name.length; i += 1) {
    const ch = name[i];
    if (!isAlpha(ch) && !isDigit(ch) && ch !== '-' && ch !== '_') return false;
  }
  return true;
}

const URN_EXTRA_CHARS = new Set(['-', '.', '_', '~', '!', '$', '&', "'", '*', '+', ',', ';', '=', '@', '%', '/']);

function isUrnSegment(segment: string): boolean {
  if (segment.length === 0) return false;
  for (const ch of segment) {
    if (!isAlpha(ch) && !isDigit(ch) && !URN_EXTRA_CHARS.has(ch)) return false;
  }
  return true;
}

/**
 * Parses the text of one attrPath (RFC 7644 §3.10): `[URI ":"] ATTRNAME *1subAttr`.
 * URN-qualified paths are split on the LAST ':' — schema URNs contain dots (`…:2.0:User`), so splitting
 * on '.' first would cut the URN in half.
 */
function parseAttrPathText(text: string, pos: number, fail: ErrorFactory): AttrPath {
  let schema: string | undefined;
  let rest = text;
  if (text.slice(0, 4).toLowerCase() === 'urn:') {
    const colon = text.lastIndexOf(':');
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    const segments = schema.split(':');
    if (segments.length < 2 || !segments.every(isUrnSegment)) {
      throw fail(`invalid schema URN '${excerpt(schema)}' in attribute path at position ${pos + 1}`);
    }
    if (rest.length === 0) {
      throw fail(
        `attribute path '${excerpt(text)}' at position ${pos + 1} must end with an attribute name after the schema URN`,
      );
    }
  }
  const dot = rest.indexOf('.');
  const attr = dot < 0 ? rest : rest.slice(0, dot);
  const subAttr = dot < 0 ? undefined : rest.slice(dot + 1);
  if (!isAttrName(attr)) {
    throw fail(`invalid attribute name '${excerpt(attr)}' at position ${pos + 1}`);
  }
  if (subAttr !== undefined && !isAttrName(subAttr)) {
    // RFC 7643 §2.3.8: complex attributes have one level of sub-attributes, so `a.b.c` is never valid.
    throw fail(
      `invalid sub-attribute '${excerpt(subAttr)}' in attribute path '${excerpt(text)}' at position ${pos + 1}`,
    );
  }
  return {
    ...(schema !== undefined ? { schema } : {}),
    attr,
    ...(subAttr !== undefined ? { subAttr } : {}),
  };
}

/** RFC 8259 §6 number grammar: `-? (0 | [1-9] DIGIT*) (. DIGIT+)? ([eE] [+-]? DIGIT+)?`. */
function isJsonNumber(text: string): boolean {
  let i = 0;
  if (text[i] === '-') i += 1;
  if (text[i] === '0') {
    i += 1;
  } else if (text[i] !== undefined && text[i] >= '1' && text[i] <= '9') {
    while (i < text.length && isDigit(text[i])) i += 1;
  } else {
    return false;
  }
  if (text[i] === '.') {
    i += 1;
    const start = i;
    while (i < text.length && isDigit(text[i])) i += 1;
    if (i === start) return false;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i += 1;
    if (text[i] === '+' || text[i] === '-') i += 1;
    const start = i;
    while (i < text.length && isDigit(text[i])) i += 1;
    if (i === start) return false;
  }
  return i === text.length;
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fail: ErrorFactory,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private enter(depth: number, token: Token): number {
    if (depth + 1 > MAX_FILTER_DEPTH) {
      throw this.fail(`filter is nested deeper than ${MAX_FILTER_DEPTH} levels ${at(token)}`);
    }
    return depth + 1;
  }

  /** RFC 7644 §3.4.2.2 precedence: `or` binds loosest, then `and`, then `not`; both binary operators are left-associative. */
  parseOr(depth: number, inBrackets: boolean): FilterNode {
    let left = this.parseAnd(depth, inBrackets);
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      const right = this.parseAnd(depth, inBrackets);
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private parseAnd(depth: number, inBrackets: boolean): FilterNode {
    let left = this.parseUnary(depth, inBrackets);
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      const right = this.parseUnary(depth, inBrackets);
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private expectClose(type: 'rparen' | 'rbracket', open: Token): Token {
    const token = this.next();
    if (token.type !== type) {
      const closer = type === 'rparen' ? "')'" : "']'";
      throw this.fail(
        `expected ${closer} to close the one at position ${open.pos + 1}, but found ${describe(token)} ${at(token)}`,
      );
    }
    return token;
  }

  /**
   * `not` is a keyword only where a negation can start; ATTRNAME also admits "not", so `not pr` /
   * `not eq "x"` / `not[...]` address an attribute called "not".
   */
  private startsNegation(): boolean {
    const following = this.peek(1);
    if (following.type === 'lbracket') return false;
    if (following.type === 'word') {
      const lower = following.text.toLowerCase();
      return !(COMPARE_OPS.has(lower) || lower === 'pr');
    }
    return true;
  }

  private parseUnary(depth: number, inBrackets: boolean): FilterNode {
    const token = this.peek();
    if (token.type === 'lparen') {
      this.next();
      const inner = this.parseOr(this.enter(depth, token), inBrackets);
      this.expectClose('rparen', token);
      return inner;
    }
    if (token.type === 'word') {
      if (token.text.toLowerCase() === 'not' && this.startsNegation()) {
        this.next();
        const innerDepth = this.enter(depth, token);
        const open = this.peek();
        if (open.type === 'lparen') {
          // RFC form: `not "(" FILTER ")"`.
          this.next();
          const expr = this.parseOr(innerDepth, inBrackets);
          this.expectClose('rparen', open);
          return { kind: 'not', expr };
        }
        // Leniency: `not title pr` (no parentheses) negates the next unary expression.
        return { kind: 'not', expr: this.parseUnary(innerDepth, inBrackets) };
      }
      return this.parseAttrExp(depth, inBrackets);
    }
    if (token.type === 'eof') {
      throw this.fail("unexpected end of filter: expected an attribute name, '(' or 'not'");
    }
    throw this.fail(`unexpected ${describe(token)} ${at(token)}: expected an attribute name, '(' or 'not'`);
  }

  private parseAttrExp(depth: number, inBrackets: boolean): FilterNode {
    const pathToken = this.next();
    if (pathToken.type !== 'word') throw this.fail(`expected an attribute name ${at(pathToken)}`);
    const path = parseAttrPathText(pathToken.text, pathToken.pos, this.fail);
    const open = this.peek();
    if (open.type !== 'lbracket') return this.parseOperatorPart(path, pathToken);

    if (inBrackets) {
      throw this.fail(`nested value filters are not allowed ('[' ${at(open)} is inside another '[...]')`);
    }
    if (path.subAttr !== undefined) {
      // RFC 7643 §2.3.8: sub-attributes are never multi-valued complex, so `name.givenName[...]` cannot match anything.
      throw this.fail(
        `a value filter must follow a multi-valued attribute, not the sub-attribute '${excerpt(pathToken.text)}' ${at(open)}`,
      );
    }
    this.next();
    const filter = this.parseOr(this.enter(depth, open), true);
    const close = this.expectClose('rbracket', open);

    // Entra ID sends `emails[type eq "work"].value eq "x"`: desugar to emails[type eq "work" and value eq "x"].
    const after = this.peek();
    if (after.type === 'word' && after.pos === close.end && after.text.startsWith('.')) {
      this.next();
      const subText = after.text.slice(1);
      if (!isAttrName(subText)) {
        throw this.fail(`invalid sub-attribute '${excerpt(subText)}' after ']' at position ${after.pos + 2}`);
      }
      const condition = this.parseOperatorPart({ attr: subText }, after);
      return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: condition } };
    }
    return { kind: 'valuePath', path, filter };
  }

  /** `SP "pr"` or `SP compareOp SP compValue` after an attribute path. */
  private parseOperatorPart(path: AttrPath, pathToken: Token & { type: 'word' }): FilterNode {
    const opToken = this.next();
    if (opToken.type !== 'word') {
      throw this.fail(
        `expected an operator after '${excerpt(pathToken.text)}' ${at(opToken)}, but found ${describe(opToken)}`,
      );
    }
    const op = opToken.text.toLowerCase();
    if (op === 'pr') {
      const following = this.peek();
      if (
        following.type === 'string' ||
        (following.type === 'word' && !this.isKeyword(following, 'and') && !this.isKeyword(following, 'or'))
      ) {
        throw this.fail(`'pr' does not take a value, but found ${describe(following)} ${at(following)}`);
      }
      return { kind: 'present', path };
    }
    if (!COMPARE_OPS.has(op)) {
      throw this.fail(
        `unknown operator '${excerpt(opToken.text)}' ${at(opToken)}: expected one of eq, ne, co, sw, ew, gt, ge, lt, le, pr`,
      );
    }
    const value = this.parseValue(opToken);
    return { kind: 'compare', path, op: op as CompareOp, value };
  }

  /** compValue = false / null / true / number / string (RFC 8259), plus barewords as strings for lenient IdPs. */
  private parseValue(opToken: Token & { type: 'word' }): FilterValue {
    const token = this.next();
    if (token.type === 'string') return token.value;
    if (token.type !== 'word') {
      throw this.fail(`missing value after operator '${opToken.text}' ${at(token)} (found ${describe(token)})`);
    }
    const lower = token.text.toLowerCase();
    if (lower === 'and' || lower === 'or') {
      throw this.fail(`missing value after operator '${opToken.text}' ${at(token)} (found keyword '${token.text}')`);
    }
    // RFC 7644 §3.4.2.2 keywords and literals are case-insensitive ("True", "NULL").
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (isJsonNumber(token.text)) {
      const value = Number(token.text);
      if (!Number.isFinite(value)) throw this.fail(`number '${excerpt(token.text)}' ${at(token)} is out of range`);
      return value;
    }
    // Leniency: some IdPs send `userName eq john@acme.com` / `userName sw O` without quotes.
    return token.text;
  }

  expectEnd(context: string): void {
    const token = this.peek();
    if (token.type !== 'eof') {
      throw this.fail(`unexpected ${describe(token)} ${at(token)}: expected ${context}`);
    }
  }
}

function checkLength(input: string, what: string, fail: ErrorFactory): void {
  if (input.length > MAX_FILTER_LENGTH) {
    throw fail(`${what} is longer than ${MAX_FILTER_LENGTH} characters`);
  }
}

/** Parses a complete RFC 7644 §3.4.2.2 filter expression. Malformed input → ScimError `invalidFilter`. */
export function parseFilter(input: string): FilterNode {
  const fail = (detail: string) => ScimError.invalidFilter(detail);
  if (typeof input !== 'string') throw fail('filter must be a string');
  checkLength(input, 'filter', fail);
  const tokens = tokenize(input, fail);
  if (tokens[0].type === 'eof') throw fail('filter is empty');
  const parser = new Parser(tokens, fail);
  const node = parser.parseOr(0, false);
  parser.expectEnd("'and', 'or' or end of filter");
  return node;
}

/**
 * Parses a plain attribute path (`sortBy`, one `attributes` entry): `[URI ":"] ATTRNAME [. subAttr]`.
 * No value filters. Malformed input → ScimError `invalidPath` (callers remap for sortBy if they need to).
 */
export function parseAttrPath(input: string): AttrPath {
  const fail = (detail: string) => ScimError.invalidPath(detail);
  if (typeof input !== 'string') throw fail('attribute path must be a string');
  checkLength(input, 'attribute path', fail);
  const tokens = tokenize(input, fail);
  const first = tokens[0];
  if (first.type === 'eof') throw fail('attribute path is empty');
  if (first.type !== 'word') throw fail(`unexpected ${describe(first)} ${at(first)}: expected an attribute name`);
  const path = parseAttrPathText(first.text, first.pos, fail);
  const second = tokens[1];
  if (second.type === 'lbracket') throw fail(`value filters are not allowed in this attribute path ${at(second)}`);
  if (second.type !== 'eof') throw fail(`unexpected ${describe(second)} ${at(second)}: expected end of attribute path`);
  return path;
}

/**
 * Parses a PATCH operation path (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`,
 * e.g. `emails[type eq "work"].value`, `members[value eq "…"]`, `urn:…:enterprise:2.0:User:manager`.
 * Malformed input → ScimError `invalidPath`.
 */
export function parsePatchPath(input: string): PatchPath {
  const fail = (detail: string) => ScimError.invalidPath(detail);
  if (typeof input !== 'string') throw fail('path must be a string');
  checkLength(input, 'path', fail);
  const tokens = tokenize(input, fail);
  const first = tokens[0];
  if (first.type === 'eof') throw fail('path is empty');
  if (first.type !== 'word') throw fail(`unexpected ${describe(first)} ${at(first)}: expected an attribute name`);
  const path = parseAttrPathText(first.text, first.pos, fail);
  const parser = new Parser(tokens, fail);
  parser.next();
  const open = parser.peek();
  if (open.type !== 'lbracket') {
    parser.expectEnd("'[' or end of path");
    return { path };
  }
  if (path.subAttr !== undefined) {
    throw fail(
      `a value filter must follow a multi-valued attribute, not the sub-attribute '${excerpt(first.text)}' ${at(open)}`,
    );
  }
  parser.next();
  const valueFilter = parser.parseOr(1, true);
  const close = parser.next();
  if (close.type !== 'rbracket') {
    throw fail(`expected ']' to close the one at position ${open.pos + 1}, but found ${describe(close)} ${at(close)}`);
  }
  const after = parser.peek();
  if (after.type === 'eof') return { path, valueFilter };
  if (after.type === 'word' && after.pos === close.end && after.text.startsWith('.')) {
    const subAttr = after.text.slice(1);
    if (!isAttrName(subAttr)) {
      throw fail(`invalid sub-attribute '${excerpt(subAttr)}' after ']' at position ${after.pos + 2}`);
    }
    parser.next();
    parser.expectEnd('end of path');
    return { path, valueFilter, subAttr };
  }
  throw fail(`unexpected ${describe(after)} ${at(after)}: expected '.subAttribute' or end of path`);
}

/** Splits on commas that are outside quoted strings and brackets (`emails[value eq "a,b"]` is one entry). */
function splitTopLevelCommas(csv: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < csv.length; i += 1) {
    const ch = csv[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[') depth += 1;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(csv.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(csv.slice(start));
  return parts;
}

/**
 * Parses `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, comma-separated attribute paths).
 * Roster extension: entries may carry a value filter (`emails[type eq "work"]`), hence PatchPath.
 * Whitespace around commas and empty entries are ignored. Malformed entries → ScimError `invalidPath`.
 */
export function parseAttributeList(csv: string | undefined): PatchPath[] {
  if (csv === undefined) return [];
  const fail = (detail: string) => ScimError.invalidPath(detail);
  if (typeof csv !== 'string') throw fail('attribute list must be a string');
  checkLength(csv, 'attribute list', fail);
  return splitTopLevelCommas(csv)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => parsePatchPath(entry));
}

/** Renders an AttrPath in RFC 7644 §3.10 notation (`urn:…:User:name.givenName`). */
export function printAttrPath(path: AttrPath): string {
  const base = path.subAttr !== undefined ? `${path.attr}.${path.subAttr}` : path.attr;
  return path.schema !== undefined ? `${path.schema}:${base}` : base;
}

function printValue(value: FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw ScimError.invalidFilter('cannot print a non-finite number in a filter');
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function precedence(node: FilterNode): number {
  return node.kind === 'or' ? 1 : node.kind === 'and' ? 2 : 3;
}

/**
 * Renders a FilterNode as a filter string that `parseFilter` parses back to the same AST
 * (strings are always JSON-quoted; parentheses only where precedence/associativity need them).
 * Used for logging and for property tests.
 */
export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${printAttrPath(node.path)} ${node.op} ${printValue(node.value)}`;
    case 'present':
      return `${printAttrPath(node.path)} pr`;
    case 'not':
      return `not (${printFilter(node.expr)})`;
    case 'valuePath':
      return `${printAttrPath(node.path)}[${printFilter(node.filter)}]`;
    case 'and':
    case 'or': {
      const own = precedence(node);
      const left = precedence(node.left) < own ? `(${printFilter(node.left)})` : printFilter(node.left);
      // Both operators are left-associative, so a right operand of equal precedence needs parentheses.
      const right = precedence(node.right) <= own ? `(${printFilter(node.right)})` : printFilter(node.right);
      return `${left} ${node.kind} ${right}`;
    }
  }
}

/** Renders a PatchPath (`emails[type eq "work"].value`). */
export function printPatchPath(patchPath: PatchPath): string {
  let out = printAttrPath(patchPath.path);
  if (patchPath.valueFilter !== undefined) out += `[${printFilter(patchPath.valueFilter)}]`;
  if (patchPath.subAttr !== undefined) out += `.${patchPath.subAttr}`;
  return out;
}
