import {
  assertOperatorAllowed,
  chainOperands,
  coerceFilterOperand,
  compareCodePoints,
  comparisonKindOf,
  type ComparisonKind,
  type ScimDateTime,
} from '../../../shared/scim/filter/scim-filter.coercion';
import { ScimError } from '../../../shared/scim/scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../../../shared/scim/scim-filter.ast';
import type { ResolvedAttr, ScimAttributeDef } from '../../../shared/scim/scim-schema.types';
import { SCIM_SCHEMA } from '../../../shared/scim/scim.constants';
import { isUuid } from '../../../shared/domain/uuid';

export type { ResolvedAttr } from '../../../shared/scim/scim-schema.types';

/**
 * Compiles RFC 7644 §3.4.2.2 filters (and §3.4.2.3 `sortBy`) into parameterised PostgreSQL over the
 * staging tables (`staging.scim_user`, `staging.scim_group`, `staging.scim_group_member`).
 *
 * Safety: client values only ever travel as bind parameters (`$n`). JSONB keys appear as SQL
 * literals only when they come from a resolved schema definition AND consist of plain
 * `[A-Za-z0-9$_.:-]` characters; anything else (and every key of an unresolvable extension
 * attribute) is bound as a parameter too.
 *
 * Semantics (kept identical to the in-memory evaluator, see scim-filter.evaluator.ts):
 * - Every compiled leaf yields TRUE, FALSE or NULL, where NULL means "no match"; AND/OR keep that
 *   reading under SQL three-valued logic, and `not` compiles to `(x) IS NOT TRUE` so that
 *   `not (title eq "x")` matches users without a title (RFC 7644 §3.4.2.2: `not` matches "if the
 *   expression evaluates to false").
 * - `ne` (RFC is silent on absent values) is the exact complement of `eq` — IS DISTINCT FROM
 *   semantics: it matches absent/null attributes, and a multi-valued attribute only when NO value equals.
 * - `eq null` ≡ not present, `ne null` ≡ present; other operators with null → invalidFilter.
 * - Strings: case-insensitive unless caseExact (the operand is lower-cased in JS, the column with
 *   `lower()`), co/sw/ew via LIKE with `%`, `_`, `\` escaped, gt/ge/lt/le with `COLLATE "C"`
 *   (code-point order). Booleans from JSONB compare via `lower(text) = 'true'` (data may hold "True").
 *   Numbers via a guarded `::numeric`, dateTimes via a guarded `::timestamptz` (never a cast error).
 * - dateTimes compare at millisecond precision (operand and stored value truncated), the precision
 *   Roster renders `meta` with; offset-less JSON dateTimes are read as UTC.
 * - Unknown core attributes → invalidFilter. An extension attribute the resolver cannot resolve is
 *   matched as a case-insensitive string under its URN key (keys bound as parameters).
 * - The whole fragment is parenthesised; the caller still adds `connection_id = …` and
 *   `deleted_at IS NULL` (the (connection_id, lower(user_name)) index needs the former).
 */
export interface SqlFilterTarget {
  resourceType: 'User' | 'Group';
  /** SQL alias of `staging.scim_user` / `staging.scim_group` in the caller's query. */
  alias: string;
  /** Schema lookup (case-insensitive, RFC 7643 §2.1); undefined for unknown attributes. */
  resolve(path: AttrPath): ResolvedAttr | undefined;
}

const MEMBER_TABLE = 'staging.scim_group_member';
const GROUP_TABLE = 'staging.scim_group';

/** Key characters that can never terminate or escape a single-quoted SQL literal. */
const SAFE_KEY = /^[A-Za-z0-9$_.:-]+$/;
const SAFE_ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Most `members` / `groups` references one filter may make. Each compiles to an EXISTS over
 * staging.scim_group_member, and PostgreSQL turns an AND of those into semi-joins whose planning
 * grows about cubically (measured: 64 → 1 s, 150 → 9 s, ~600 — what fits in 10 000 characters of
 * `members pr and …` — minutes on one pool connection). IdPs use one or two.
 */
export const MAX_MEMBERSHIP_REFERENCES = 20;

/**
 * Guard for casting JSONB text to timestamptz without ever raising: shape first (a regex without
 * nested quantifiers, POSIX ARE; `[.]` instead of a backslash escape keeps the literal free of
 * backslashes), then day-of-month against the real month length. Mirrors
 * `parseScimDateTime` (evaluator) so both accept the same strings.
 */
const DATETIME_SHAPE =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?([Zz]|[+-](0[0-9]|1[0-5]):?[0-5][0-9])?)?$';
/** A dateTime (already matching DATETIME_SHAPE) that carries its own offset. */
const DATETIME_WITH_OFFSET = '[Tt ].*([Zz]|[+-][0-9]{2}:?[0-9]{2})$';
/** Numeric strings accepted from JSONB data (JSON number grammar, bounded exponent). */
const NUMERIC_SHAPE = '^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]{1,3})?$';

const SQL_OPS: Readonly<Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string>> = {
  eq: '=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

/** A single SQL value the filter can compare against. */
type Scalar =
  /** text column; `caseExact: false` compares `lower(sql)` with a lower-cased operand */
  | { readonly form: 'text'; readonly sql: string; readonly caseExact: boolean; readonly label: string }
  /** uuid column: equality only through a valid-UUID parameter, everything else on its text form */
  | { readonly form: 'uuid'; readonly sql: string; readonly label: string }
  | { readonly form: 'column'; readonly kind: 'boolean' | 'dateTime'; readonly sql: string; readonly label: string }
  /** a value known at compile time (meta.resourceType, groups.type) */
  | { readonly form: 'constant'; readonly value: string; readonly caseExact: boolean; readonly label: string }
  /** JSONB value: `json` is the jsonb expression, `text` its text extraction */
  | {
      readonly form: 'json';
      readonly kind: ComparisonKind;
      readonly caseExact: boolean;
      readonly json: string;
      readonly text: string;
      readonly label: string;
    };

/** The elements of a multi-valued attribute (or the one object of a singular complex attribute). */
interface Scope {
  readonly label: string;
  /** Wraps an element-level condition: EXISTS over the elements. */
  wrap(condition: string): string;
  /** A sub-attribute of the element; `undefined` = the implicit `value` (RFC 7644 §3.4.2.2) or the element itself. */
  sub(name: string | undefined): Scalar;
  /** The attribute as a whole is present (RFC 7644 §3.4.2.2 `pr`). */
  readonly present: string;
  /** Sort key: the given element expression of the primary element, else the first (RFC 7644 §3.4.2.3). */
  firstValue(elementSortExpr: string): string;
}

type Ref =
  | { readonly ref: 'scalar'; readonly scalar: Scalar }
  | { readonly ref: 'multi'; readonly scope: Scope; readonly subAttr: string | undefined }
  | { readonly ref: 'object'; readonly scope: Scope }
  /** `meta` itself: always present, not comparable. */
  | { readonly ref: 'always'; readonly label: string };

class Compiler {
  private seq = 0;
  private membershipReferences = 0;
  readonly alias: string;

  constructor(
    readonly target: SqlFilterTarget,
    /** undefined while compiling ORDER BY expressions (no parameters available there). */
    private readonly params: unknown[] | undefined,
  ) {
    if (!SAFE_ALIAS.test(target.alias)) {
      // A programming error, not client input.
      throw new Error(`invalid SQL alias '${target.alias}'`);
    }
    this.alias = target.alias;
  }

  fail(detail: string): ScimError {
    return this.params === undefined ? ScimError.invalidValue(detail) : ScimError.invalidFilter(detail);
  }

  nextAlias(prefix: string): string {
    this.seq += 1;
    return `scim_${prefix}${this.seq}`;
  }

  param(value: string | number | boolean): string {
    if (this.params === undefined) throw this.fail('sort expressions cannot take parameters');
    if (typeof value === 'string' && value.includes('\u0000')) {
      // PostgreSQL text cannot hold NUL; reject instead of failing in the driver.
      throw ScimError.invalidFilter('filter values must not contain NUL characters');
    }
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** A JSONB object key: a literal when it is schema-derived and plain, otherwise a bound parameter. */
  key(name: string, trusted: boolean): string {
    if (trusted && SAFE_KEY.test(name)) return `'${name}'`;
    if (this.params === undefined) return quoteLiteral(name);
    return `${this.param(name)}::text`;
  }

  // ---------------------------------------------------------------- attribute resolution

  resolveTop(path: AttrPath): Ref {
    const label = printPath(path);
    const isCore = isCorePath(path, this.target);
    if (isCore) {
      const fixed = this.resolveFixed(path, label);
      if (fixed !== undefined) return fixed;
    }
    const resolved = this.target.resolve(path);
    if (resolved === undefined) {
      if (path.schema !== undefined && !isCore && isPossibleExtensionUrn(path.schema))
        return this.unknownExtension(path, label);
      throw this.fail(`unknown attribute '${label}'`);
    }
    return this.resolveJson(path, resolved, label);
  }

  /** Common attributes (RFC 7643 §3.1) and the attributes that live in their own columns. */
  private resolveFixed(path: AttrPath, label: string): Ref | undefined {
    const a = this.alias;
    const attr = path.attr.toLowerCase();
    const sub = path.subAttr?.toLowerCase();
    const noSub = (scalar: Scalar): Ref => {
      if (sub !== undefined) throw this.fail(`attribute '${path.attr}' has no sub-attribute '${path.subAttr ?? ''}'`);
      return { ref: 'scalar', scalar };
    };
    switch (attr) {
      case 'id':
        return noSub({ form: 'uuid', sql: `${a}.id`, label });
      case 'externalid':
        // RFC 7643 §3.1: externalId is caseExact.
        return noSub({ form: 'text', sql: `${a}.external_id`, caseExact: true, label });
      case 'meta':
        switch (sub) {
          case undefined:
            return { ref: 'always', label };
          case 'created':
            return { ref: 'scalar', scalar: { form: 'column', kind: 'dateTime', sql: `${a}.created_at`, label } };
          case 'lastmodified':
            return { ref: 'scalar', scalar: { form: 'column', kind: 'dateTime', sql: `${a}.updated_at`, label } };
          case 'resourcetype':
            // RFC 7643 §3.1: meta.resourceType is caseExact.
            return {
              ref: 'scalar',
              scalar: { form: 'constant', value: this.target.resourceType, caseExact: true, label },
            };
          case 'location':
          case 'version':
            throw this.fail(`attribute '${label}' cannot be used in filters or sorting`);
          default:
            throw this.fail(`unknown attribute '${label}'`);
        }
      case 'schemas':
        if (sub !== undefined) throw this.fail(`attribute 'schemas' has no sub-attribute '${path.subAttr ?? ''}'`);
        return {
          ref: 'multi',
          scope: this.jsonArrayScope(`${a}.resource -> 'schemas'`, SCHEMAS_DEF, 'schemas'),
          subAttr: undefined,
        };
      case 'displayname':
        // RFC 7643 §4.1.1 (User) and §4.2 (Group): displayName is caseExact false.
        return noSub({ form: 'text', sql: `${a}.display_name`, caseExact: false, label });
    }
    if (this.target.resourceType === 'User') {
      switch (attr) {
        case 'username':
          // RFC 7643 §4.1.1: userName is caseExact false → `lower(user_name)`, matching the index.
          return noSub({ form: 'text', sql: `${a}.user_name`, caseExact: false, label });
        case 'active':
          return noSub({ form: 'column', kind: 'boolean', sql: `${a}.active`, label });
        case 'groups':
          return { ref: 'multi', scope: this.membershipScope('groups'), subAttr: path.subAttr };
      }
    } else if (attr === 'members') {
      return { ref: 'multi', scope: this.membershipScope('members'), subAttr: path.subAttr };
    }
    return undefined;
  }

  private resolveJson(path: AttrPath, resolved: ResolvedAttr, label: string): Ref {
    const { def } = resolved;
    const base = resolved.extension
      ? `${this.alias}.resource -> ${this.key(resolved.schemaId, true)}`
      : `${this.alias}.resource`;
    const defKey = this.key(def.name, true);
    const json = `${base} -> ${defKey}`;
    const subDef = path.subAttr === undefined ? undefined : (resolved.sub ?? findSub(def, path.subAttr));
    if (path.subAttr !== undefined && subDef === undefined) {
      throw this.fail(`unknown sub-attribute '${path.subAttr}' of '${def.name}'`);
    }
    if (def.multiValued) {
      return { ref: 'multi', scope: this.jsonArrayScope(json, def, label), subAttr: subDef?.name };
    }
    if (def.type === 'complex') {
      if (subDef === undefined) return { ref: 'object', scope: this.jsonObjectScope(json, def, label) };
      const subKey = this.key(subDef.name, true);
      return { ref: 'scalar', scalar: this.jsonScalar(subDef, `${json} -> ${subKey}`, `${json} ->> ${subKey}`, label) };
    }
    if (subDef !== undefined) throw this.fail(`attribute '${def.name}' has no sub-attributes`);
    return { ref: 'scalar', scalar: this.jsonScalar(def, json, `${base} ->> ${defKey}`, label) };
  }

  /**
   * An extension attribute the resolver does not know: stored as sent under its URN key. Keys are
   * bound as parameters; the value is treated as a case-insensitive string, and a JSON array is
   * matched element-wise (we cannot know whether it is multi-valued).
   */
  private unknownExtension(path: AttrPath, label: string): Ref {
    const schemaKey = this.key(path.schema ?? '', false);
    const attrKey = this.key(path.attr, false);
    const json = `${this.alias}.resource -> ${schemaKey} -> ${attrKey}`;
    return { ref: 'multi', scope: this.genericScope(json, label), subAttr: path.subAttr };
  }

  private jsonScalar(def: ScimAttributeDef, json: string, text: string, label: string): Scalar {
    const kind = comparisonKindOf(def.type);
    if (kind === 'complex') throw this.fail(`complex attribute '${label}' cannot be compared to a value`);
    return { form: 'json', kind, caseExact: kind === 'binary' ? true : def.caseExact, json, text, label };
  }

  // ---------------------------------------------------------------- scopes

  private jsonArrayScope(json: string, def: ScimAttributeDef, label: string): Scope {
    const e = this.nextAlias('e');
    const elements = `CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} ELSE '[]'::jsonb END`;
    const element = `${e}.v`;
    const primary = def.type === 'complex' ? findSub(def, 'primary') : undefined;
    return {
      label,
      wrap: (condition) => `EXISTS (SELECT 1 FROM jsonb_array_elements(${elements}) AS ${e}(v) WHERE ${condition})`,
      sub: (name) => this.elementSub(def, element, name, label),
      present: this.jsonPresent(json),
      firstValue: (expr) => {
        // RFC 7644 §3.4.2.3: sort multi-valued attributes by the primary value, else the first one.
        const primaryOrder =
          primary !== undefined
            ? `CASE WHEN lower(${element} ->> ${this.key(primary.name, true)}) = 'true' THEN 0 ELSE 1 END, `
            : '';
        return `(SELECT ${expr} FROM jsonb_array_elements(${elements}) WITH ORDINALITY AS ${e}(v, i) ORDER BY ${primaryOrder}${e}.i LIMIT 1)`;
      },
    };
  }

  private jsonObjectScope(json: string, def: ScimAttributeDef, label: string): Scope {
    return {
      label,
      // A value filter on a singular complex attribute (Entra: `manager[value eq "…"]`) needs the object to exist.
      wrap: (condition) => `(jsonb_typeof(${json}) = 'object' AND (${condition}))`,
      sub: (name) => {
        if (name === undefined) throw this.fail(`complex attribute '${label}' cannot be compared to a value`);
        return this.elementSub(def, json, name, label);
      },
      present: this.jsonPresent(json),
      firstValue: (expr) => expr,
    };
  }

  /** Elements of an unresolved JSON value: an array element-wise, anything else as a one-element list. */
  private genericScope(json: string, label: string): Scope {
    const e = this.nextAlias('e');
    const elements = `CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} ELSE jsonb_build_array(${json}) END`;
    const element = `${e}.v`;
    return {
      label,
      wrap: (condition) => `EXISTS (SELECT 1 FROM jsonb_array_elements(${elements}) AS ${e}(v) WHERE ${condition})`,
      sub: (name) => {
        if (name === undefined)
          return {
            form: 'json',
            kind: 'string',
            caseExact: false,
            json: element,
            text: `(${element} #>> '{}')`,
            label,
          };
        // One bound key for both forms: a comparison uses only one of them, and a parameter that
        // appears nowhere in the SQL has no type ("could not determine data type of parameter").
        const k = this.key(name, false);
        return {
          form: 'json',
          kind: 'string',
          caseExact: false,
          json: `${element} -> ${k}`,
          text: `${element} ->> ${k}`,
          label: `${label}.${name}`,
        };
      },
      present: this.jsonPresent(json),
      firstValue: (expr) =>
        `(SELECT ${expr} FROM jsonb_array_elements(${elements}) WITH ORDINALITY AS ${e}(v, i) ORDER BY ${e}.i LIMIT 1)`,
    };
  }

  /** A sub-attribute of one element of a JSON multi-valued / complex attribute. */
  private elementSub(def: ScimAttributeDef, element: string, name: string | undefined, label: string): Scalar {
    if (def.type !== 'complex') {
      // Multi-valued simple attribute (e.g. `schemas`): the element itself is the value.
      if (name === undefined || name.toLowerCase() === 'value') {
        return this.jsonScalar(def, element, `(${element} #>> '{}')`, label);
      }
      throw this.fail(`attribute '${label}' has no sub-attribute '${name}'`);
    }
    const subDef = findSub(def, name ?? 'value');
    if (subDef === undefined) {
      throw this.fail(
        name === undefined
          ? `complex attribute '${label}' cannot be compared to a value; use a sub-attribute`
          : `unknown sub-attribute '${name}' of '${label}'`,
      );
    }
    const k = this.key(subDef.name, true);
    return this.jsonScalar(subDef, `${element} -> ${k}`, `${element} ->> ${k}`, `${label}.${subDef.name}`);
  }

  /** Group `members` / User `groups`: rows of staging.scim_group_member instead of JSON. */
  private membershipScope(kind: 'members' | 'groups'): Scope {
    this.membershipReferences += 1;
    if (this.membershipReferences > MAX_MEMBERSHIP_REFERENCES) {
      throw this.fail(
        `filter refers to '${kind}' more than ${MAX_MEMBERSHIP_REFERENCES} times; split it into several requests`,
      );
    }
    const m = this.nextAlias('m');
    const a = this.alias;
    const correlate = kind === 'members' ? `${m}.group_id = ${a}.id` : `${m}.member_id = ${a}.id`;
    const from = `FROM ${MEMBER_TABLE} ${m} WHERE ${correlate}`;
    return {
      label: kind,
      wrap: (condition) => `EXISTS (SELECT 1 ${from} AND ${condition})`,
      sub: (name) => {
        const lower = name?.toLowerCase() ?? 'value';
        const label = `${kind}.${name ?? 'value'}`;
        if (lower === 'value')
          return { form: 'uuid', sql: kind === 'members' ? `${m}.member_id` : `${m}.group_id`, label };
        if (lower === 'type') {
          // RFC 7643 §4.1.2: groups.type is "direct" or "indirect"; Roster only records direct memberships.
          return kind === 'members'
            ? { form: 'text', sql: `${m}.member_type`, caseExact: false, label }
            : { form: 'constant', value: 'direct', caseExact: false, label };
        }
        if (lower === 'display' && kind === 'groups') {
          return {
            form: 'text',
            sql: `(SELECT g.display_name FROM ${GROUP_TABLE} g WHERE g.id = ${m}.group_id)`,
            caseExact: false,
            label,
          };
        }
        if (lower === 'display' || lower === '$ref')
          throw this.fail(`attribute '${label}' cannot be used in filters or sorting`);
        throw this.fail(`unknown sub-attribute '${name ?? ''}' of '${kind}'`);
      },
      present: `EXISTS (SELECT 1 ${from})`,
      // Memberships have no order and no primary: the smallest value keeps sorting deterministic.
      firstValue: (expr) => `(SELECT min((${expr})::text) ${from})`,
    };
  }

  // ---------------------------------------------------------------- presence

  /** RFC 7644 §3.4.2.2 `pr`: not absent, null, "", [] or {} — and an array/object needs a non-empty member. */
  jsonPresent(json: string): string {
    const x = this.nextAlias('p');
    const empty = `('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb)`;
    return (
      `(CASE jsonb_typeof(${json}) WHEN 'null' THEN FALSE WHEN 'string' THEN ${json} <> '""'::jsonb ` +
      `WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${json}) AS ${x}(v) WHERE ${x}.v NOT IN ${empty}) ` +
      `WHEN 'object' THEN EXISTS (SELECT 1 FROM jsonb_each(${json}) AS ${x}(k, v) WHERE ${x}.v NOT IN ${empty}) ` +
      `ELSE ${json} IS NOT NULL END)`
    );
  }

  scalarPresent(scalar: Scalar): string {
    switch (scalar.form) {
      case 'text':
        return `(${scalar.sql} IS NOT NULL AND ${scalar.sql} <> '')`;
      case 'uuid':
      case 'column':
        return `(${scalar.sql} IS NOT NULL)`;
      case 'constant':
        return scalar.value === '' ? 'FALSE' : 'TRUE';
      case 'json':
        return this.jsonPresent(scalar.json);
    }
  }

  refPresent(ref: Ref): string {
    switch (ref.ref) {
      case 'scalar':
        return this.scalarPresent(ref.scalar);
      case 'multi':
        return ref.subAttr === undefined
          ? ref.scope.present
          : ref.scope.wrap(this.scalarPresent(ref.scope.sub(ref.subAttr)));
      case 'object':
        return ref.scope.present;
      case 'always':
        return 'TRUE';
    }
  }

  // ---------------------------------------------------------------- comparisons

  compareRef(ref: Ref, op: CompareOp, value: FilterValue): string {
    if (value === null) {
      if (op !== 'eq' && op !== 'ne')
        throw this.fail(`operator '${op}' cannot be used with null (attribute '${refLabel(ref)}')`);
      const present = this.refPresent(ref);
      return op === 'ne' ? present : `((${present}) IS NOT TRUE)`;
    }
    if (op === 'ne') {
      // IS DISTINCT FROM semantics: the complement of eq, including absent values (documented decision).
      return `((${this.compareRef(ref, 'eq', value)}) IS NOT TRUE)`;
    }
    switch (ref.ref) {
      case 'scalar':
        return this.compareScalar(ref.scalar, op, value);
      case 'multi': {
        const scalar = ref.scope.sub(ref.subAttr);
        return ref.scope.wrap(this.compareScalar(scalar, op, value));
      }
      case 'object':
      case 'always':
        throw this.fail(`complex attribute '${refLabel(ref)}' cannot be compared to a value; use a sub-attribute`);
    }
  }

  private compareScalar(scalar: Scalar, op: Exclude<CompareOp, 'ne'>, value: Exclude<FilterValue, null>): string {
    switch (scalar.form) {
      case 'text':
        return this.compareText(
          scalar.caseExact ? scalar.sql : `lower(${scalar.sql})`,
          scalar.caseExact,
          'string',
          op,
          value,
          scalar.label,
        );
      case 'uuid': {
        assertOperatorAllowed('string', op, scalar.label);
        const operand = coerceFilterOperand('string', value, scalar.label) as string;
        if (op === 'eq') {
          // `id = $n::uuid` uses the primary key; a non-UUID can never match (and must not raise a cast error).
          return isUuid(operand) ? `${scalar.sql} = ${this.param(operand)}::uuid` : 'FALSE';
        }
        // PostgreSQL renders uuids in lower case; hex digits are case-insensitive.
        return this.compareText(`${scalar.sql}::text`, false, 'string', op, operand, scalar.label);
      }
      case 'constant': {
        assertOperatorAllowed('string', op, scalar.label);
        const operand = coerceFilterOperand('string', value, scalar.label) as string;
        return compareStrings(scalar.value, operand, op, scalar.caseExact) ? 'TRUE' : 'FALSE';
      }
      case 'column': {
        assertOperatorAllowed(scalar.kind, op, scalar.label);
        const operand = coerceFilterOperand(scalar.kind, value, scalar.label);
        if (scalar.kind === 'boolean') return `${scalar.sql} = ${this.param(operand as boolean)}::boolean`;
        return this.compareTimestampColumn(scalar.sql, op, operand as ScimDateTime);
      }
      case 'json':
        return this.compareJson(scalar, op, value);
    }
  }

  /**
   * Timestamp columns hold microseconds, but Roster renders `meta.created`/`meta.lastModified` with
   * milliseconds and the operand is truncated to milliseconds (7-digit Entra fractions included).
   * Comparing `trunc_ms(column)` keeps "gt the lastModified you were shown" from returning the same
   * resource again; it is written as an equivalent range on the raw column so indexes still apply:
   * trunc(c) = t ⇔ t <= c < t+1ms; trunc(c) > t ⇔ c >= t+1ms; trunc(c) < t ⇔ c < t; etc.
   */
  private compareTimestampColumn(column: string, op: Exclude<CompareOp, 'ne'>, operand: ScimDateTime): string {
    const next = new Date(operand.epochMs + 1).toISOString();
    // Past 9999-12-31T23:59:59.999Z nothing is later; PostgreSQL's 'infinity' keeps the range exact.
    const upperText = /^\d{4}-/.test(next) ? next : 'infinity';
    switch (op) {
      case 'eq': {
        const lower = this.param(operand.iso);
        const upper = this.param(upperText);
        return `(${column} >= ${lower}::timestamptz AND ${column} < ${upper}::timestamptz)`;
      }
      case 'gt':
        return `${column} >= ${this.param(upperText)}::timestamptz`;
      case 'ge':
        return `${column} >= ${this.param(operand.iso)}::timestamptz`;
      case 'lt':
        return `${column} < ${this.param(operand.iso)}::timestamptz`;
      case 'le':
        return `${column} < ${this.param(upperText)}::timestamptz`;
      default:
        // Unreachable: assertOperatorAllowed rejects co/sw/ew on dateTime.
        throw this.fail(`operator '${op}' is not defined for dateTime attributes`);
    }
  }

  private compareJson(
    scalar: Extract<Scalar, { form: 'json' }>,
    op: Exclude<CompareOp, 'ne'>,
    value: Exclude<FilterValue, null>,
  ): string {
    const { kind, label } = scalar;
    switch (kind) {
      case 'string':
      case 'binary':
        return this.compareText(
          scalar.caseExact ? scalar.text : `lower(${scalar.text})`,
          scalar.caseExact,
          kind,
          op,
          value,
          label,
        );
      case 'boolean': {
        assertOperatorAllowed(kind, op, label);
        const operand = coerceFilterOperand(kind, value, label) as boolean;
        // `(x)::boolean` would raise on "yes"; stored data may also hold "True" (string) — compare text.
        return `lower(${scalar.text}) = ${this.param(operand ? 'true' : 'false')}`;
      }
      case 'number': {
        assertOperatorAllowed(kind, op, label);
        const operand = coerceFilterOperand(kind, value, label) as number;
        return `${this.numericOf(scalar)} ${SQL_OPS[op as keyof typeof SQL_OPS]} ${this.param(String(operand))}::numeric`;
      }
      case 'dateTime': {
        assertOperatorAllowed(kind, op, label);
        const operand = coerceFilterOperand(kind, value, label) as ScimDateTime;
        // Millisecond precision, like the evaluator and like the `meta` timestamps Roster renders.
        return `date_trunc('milliseconds', ${this.timestampOf(scalar.text)}) ${SQL_OPS[op as keyof typeof SQL_OPS]} ${this.param(operand.iso)}::timestamptz`;
      }
    }
  }

  private compareText(
    expr: string,
    caseExact: boolean,
    kind: 'string' | 'binary',
    op: Exclude<CompareOp, 'ne'>,
    value: Exclude<FilterValue, null>,
    label: string,
  ): string {
    assertOperatorAllowed(kind, op, label);
    const raw = coerceFilterOperand(kind, value, label) as string;
    const operand = caseExact ? raw : raw.toLowerCase();
    switch (op) {
      case 'eq':
        return `${expr} = ${this.param(operand)}`;
      case 'co':
        return `${expr} LIKE ${this.param(`%${escapeLike(operand)}%`)} ESCAPE E'\\\\'`;
      case 'sw':
        return `${expr} LIKE ${this.param(`${escapeLike(operand)}%`)} ESCAPE E'\\\\'`;
      case 'ew':
        return `${expr} LIKE ${this.param(`%${escapeLike(operand)}`)} ESCAPE E'\\\\'`;
      default:
        // RFC 7644 §3.4.2.2: strings order lexicographically — code-point order, independent of the DB locale.
        return `${expr} COLLATE "C" ${SQL_OPS[op]} ${this.param(operand)}`;
    }
  }

  numericOf(scalar: { json: string; text: string }): string {
    return (
      `(CASE jsonb_typeof(${scalar.json}) WHEN 'number' THEN (${scalar.json})::numeric ` +
      `WHEN 'string' THEN CASE WHEN (${scalar.text}) ~ '${NUMERIC_SHAPE}' THEN (${scalar.text})::numeric END END)`
    );
  }

  /**
   * `text::timestamptz` that yields NULL instead of raising for malformed or impossible dates.
   * A value without an offset is read as UTC (like the evaluator), not in the session time zone.
   */
  timestampOf(text: string): string {
    const t = `(${text})`;
    const daysInMonth = `extract(day from (make_date(substr(${t}, 1, 4)::int, substr(${t}, 6, 2)::int, 1) + interval '1 month - 1 day'))`;
    const cast = `CASE WHEN ${t} ~ '${DATETIME_WITH_OFFSET}' THEN ${t}::timestamptz ELSE ${t}::timestamp AT TIME ZONE 'UTC' END`;
    return (
      `(CASE WHEN ${t} ~ '${DATETIME_SHAPE}' AND substr(${t}, 1, 4) <> '0000' ` +
      `THEN CASE WHEN substr(${t}, 9, 2)::int <= ${daysInMonth} THEN ${cast} END END)`
    );
  }

  // ---------------------------------------------------------------- filter nodes

  compileNode(node: FilterNode, resolvePath: (path: AttrPath) => Ref, inValueFilter: boolean): string {
    switch (node.kind) {
      case 'compare':
        return this.compareRef(resolvePath(node.path), node.op, node.value);
      case 'present':
        return this.refPresent(resolvePath(node.path));
      case 'not':
        // RFC 7644 §3.4.2.2: `not` matches when the expression is false — NULL (absent data) counts as false.
        return `((${this.compileNode(node.expr, resolvePath, inValueFilter)}) IS NOT TRUE)`;
      case 'and':
      case 'or': {
        const parts = chainOperands(node).map((operand) => this.compileNode(operand, resolvePath, inValueFilter));
        return `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'valuePath': {
        if (inValueFilter) throw this.fail('nested value filters are not allowed');
        const ref = resolvePath(node.path);
        if (node.path.subAttr !== undefined || (ref.ref !== 'multi' && ref.ref !== 'object')) {
          throw this.fail(`a value filter needs a multi-valued or complex attribute, not '${printPath(node.path)}'`);
        }
        const { scope } = ref;
        const inner = (path: AttrPath): Ref => {
          if (path.schema !== undefined || path.subAttr !== undefined) {
            throw this.fail(`inside '${scope.label}[...]' use plain sub-attribute names, not '${printPath(path)}'`);
          }
          return { ref: 'scalar', scalar: scope.sub(path.attr) };
        };
        return scope.wrap(this.compileNode(node.filter, inner, true));
      }
      default:
        throw this.fail('unsupported filter node');
    }
  }

  // ---------------------------------------------------------------- sorting

  scalarSort(scalar: Scalar): string {
    switch (scalar.form) {
      case 'text':
        return scalar.caseExact ? scalar.sql : `lower(${scalar.sql})`;
      case 'uuid':
      case 'column':
        return scalar.sql;
      case 'constant':
        return `${quoteLiteral(scalar.value)}::text`;
      case 'json':
        switch (scalar.kind) {
          case 'number':
            return this.numericOf(scalar);
          case 'dateTime':
            return this.timestampOf(scalar.text);
          case 'boolean':
            return `lower(${scalar.text})`;
          case 'string':
          case 'binary':
            return scalar.caseExact ? scalar.text : `lower(${scalar.text})`;
        }
    }
  }
}

const SCHEMAS_DEF: ScimAttributeDef = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  description: 'RFC 7643 §3 common attribute: schema URIs of the resource',
  required: true,
  // URNs are compared case-insensitively here: IdPs vary the case of `urn:ietf:params:scim:…`.
  caseExact: false,
  mutability: 'readWrite',
  returned: 'always',
  uniqueness: 'none',
};

/** The path names no schema, or the target's core schema (URNs compare case-insensitively). */
export function isCorePath(path: AttrPath, target: SqlFilterTarget): boolean {
  const core = target.resourceType === 'User' ? SCIM_SCHEMA.USER : SCIM_SCHEMA.GROUP;
  return path.schema === undefined || path.schema.toLowerCase() === core.toLowerCase();
}

function findSub(def: ScimAttributeDef, name: string): ScimAttributeDef | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

function printPath(path: AttrPath): string {
  const base = path.subAttr !== undefined ? `${path.attr}.${path.subAttr}` : path.attr;
  return path.schema !== undefined ? `${path.schema}:${base}` : base;
}

function refLabel(ref: Ref): string {
  switch (ref.ref) {
    case 'scalar':
      return ref.scalar.label;
    case 'multi':
    case 'object':
      return ref.scope.label;
    case 'always':
      return ref.label;
  }
}

/** Core resource / protocol URNs never name an extension, so an unknown attribute under them is an error. */
function isPossibleExtensionUrn(urn: string): boolean {
  const lower = urn.toLowerCase();
  return !lower.startsWith('urn:ietf:params:scim:schemas:core:') && !lower.startsWith('urn:ietf:params:scim:api:');
}

/** Escapes LIKE metacharacters for `ESCAPE '\'`. */
function escapeLike(value: string): string {
  let out = '';
  for (const ch of value) out += ch === '\\' || ch === '%' || ch === '_' ? `\\${ch}` : ch;
  return out;
}

/** Single-quoted SQL literal that is safe whatever `standard_conforming_strings` says. */
function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw ScimError.invalidValue('attribute names must not contain NUL characters');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function compareStrings(actual: string, operand: string, op: Exclude<CompareOp, 'ne'>, caseExact: boolean): boolean {
  const a = caseExact ? actual : actual.toLowerCase();
  const b = caseExact ? operand : operand.toLowerCase();
  switch (op) {
    case 'eq':
      return a === b;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    case 'gt':
      return compareCodePoints(a, b) > 0;
    case 'ge':
      return compareCodePoints(a, b) >= 0;
    case 'lt':
      return compareCodePoints(a, b) < 0;
    case 'le':
      return compareCodePoints(a, b) <= 0;
  }
}

/**
 * Compiles `node` to a boolean SQL expression (parenthesised, safe to AND into a WHERE clause).
 * Values are appended to `params` and referenced as `$n` (1-based). Throws ScimError `invalidFilter`
 * for unknown core attributes and operator/type mismatches.
 */
export function compileScimFilter(node: FilterNode, target: SqlFilterTarget, params: unknown[]): string {
  const compiler = new Compiler(target, params);
  const sql = compiler.compileNode(liftComplexValue(node, target), (path) => compiler.resolveTop(path), false);
  return `(${sql})`;
}

/**
 * `manager eq "id"` → `manager.value eq "id"`: a singular complex attribute that has a `value`
 * sub-attribute is compared by it. Entra checks references this way (idp-dialects #8: "manager
 * checked via filter on id + manager"); RFC 7644 §3.4.2.2 leaves the comparison undefined.
 */
function liftComplexValue(node: FilterNode, target: SqlFilterTarget): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...node, left: liftComplexValue(node.left, target), right: liftComplexValue(node.right, target) };
    case 'not':
      return { ...node, expr: liftComplexValue(node.expr, target) };
    case 'compare':
    case 'present': {
      if (node.path.subAttr) return node;
      const r = target.resolve(node.path);
      const hasValue = r?.def.subAttributes?.some((s) => s.name === 'value');
      if (r && !r.sub && r.def.type === 'complex' && !r.def.multiValued && hasValue) {
        return { ...node, path: { ...node.path, subAttr: 'value' } };
      }
      return node;
    }
    default:
      return node;
  }
}

/**
 * ORDER BY expression for `sortBy` (RFC 7644 §3.4.2.3). Multi-valued attributes sort by their primary
 * value, else the first one; complex attributes need a sub-attribute. The caller appends ASC/DESC —
 * PostgreSQL's defaults (NULLS LAST ascending, NULLS FIRST descending) are exactly what §3.4.2.3 asks
 * for resources without a value.
 *
 * Unknown attributes (including unresolvable extension attributes, whose keys could only be bound
 * as parameters) → ScimError `invalidValue`: RFC 7644 §3.12 defines invalidValue as a value "not
 * compatible with … resource schema", and silently ignoring sortBy would hide client mistakes.
 */
export function compileSortExpression(path: AttrPath, target: SqlFilterTarget): string {
  const compiler = new Compiler(target, undefined);
  const label = printPath(path);
  if (!isCorePath(path, target) && target.resolve(path) === undefined) {
    throw ScimError.invalidValue(`cannot sort by unknown attribute '${label}'`);
  }
  let ref: Ref;
  try {
    ref = compiler.resolveTop(path);
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') throw ScimError.invalidValue(error.message);
    throw error;
  }
  switch (ref.ref) {
    case 'scalar':
      return compiler.scalarSort(ref.scalar);
    case 'multi':
      return ref.scope.firstValue(compiler.scalarSort(ref.scope.sub(ref.subAttr)));
    case 'object':
    case 'always':
      throw ScimError.invalidValue(
        `cannot sort by complex attribute '${label}'; name a sub-attribute (e.g. name.givenName)`,
      );
  }
}
