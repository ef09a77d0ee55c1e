import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FixtureIdp = 'entra' | 'okta';

/** One recorded IdP request per dialect quirk (`test/fixtures/scim/<idp>/<file>.json`). */
export interface ScimFixture {
  readonly quirk: string;
  readonly source: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body: unknown;
  readonly expectStatus: number;
}

export interface LoadedFixture {
  readonly idp: FixtureIdp;
  /** `entra/patch-user-active-string-False.json` — the key of per-fixture tables. */
  readonly file: string;
  readonly fixture: ScimFixture;
}

export const FIXTURE_ROOT = join(__dirname, '..', 'fixtures', 'scim');

/** Placeholders a fixture may use in `path`/`body`; each names a resource the replay creates first. */
export const FIXTURE_PLACEHOLDERS = ['userId', 'groupId', 'memberId', 'managerId'] as const;
export type FixturePlaceholder = (typeof FIXTURE_PLACEHOLDERS)[number];

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Every fixture of every IdP, sorted by file, validated for shape (a malformed fixture throws at load). */
export function loadScimFixtures(): LoadedFixture[] {
  const out: LoadedFixture[] = [];
  for (const idp of ['entra', 'okta'] as const) {
    const dir = join(FIXTURE_ROOT, idp);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = `${idp}/${name}`;
      const fixture = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ScimFixture;
      const problems: string[] = [];
      if (typeof fixture.quirk !== 'string' || fixture.quirk.trim() === '') problems.push('quirk');
      if (typeof fixture.source !== 'string' || !/^https:\/\//.test(fixture.source)) problems.push('source');
      if (!METHODS.has(fixture.method)) problems.push('method');
      if (typeof fixture.path !== 'string' || !fixture.path.startsWith('/')) problems.push('path');
      if (!Number.isInteger(fixture.expectStatus)) problems.push('expectStatus');
      if (!('body' in fixture)) problems.push('body');
      if (problems.length > 0) throw new Error(`fixture ${file}: invalid ${problems.join(', ')}`);
      out.push({ idp, file, fixture });
    }
  }
  return out;
}

/** The placeholders a fixture uses, in FIXTURE_PLACEHOLDERS order. */
export function placeholdersOf(fixture: ScimFixture): FixturePlaceholder[] {
  const text = JSON.stringify([fixture.path, fixture.body]);
  return FIXTURE_PLACEHOLDERS.filter((p) => text.includes(`{${p}}`));
}

/**
 * Substitutes `{userId}`-style placeholders in the path and (deeply, inside strings) in the body.
 * Throws when a placeholder has no value or an unknown `{…Id}` token is left over.
 */
export function substitute(
  fixture: ScimFixture,
  ids: Partial<Record<FixturePlaceholder, string>>,
): { path: string; body: unknown } {
  const replace = (s: string) =>
    s.replace(/\{(userId|groupId|memberId|managerId)\}/g, (_, name: FixturePlaceholder) => {
      const id = ids[name];
      if (id === undefined) throw new Error(`no value for placeholder {${name}}`);
      return id;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [replace(k), walk(x)]));
    return v;
  };
  const path = replace(fixture.path);
  const body = walk(fixture.body);
  const left = JSON.stringify([path, body]).match(/\{[A-Za-z]+Id\}/);
  if (left) throw new Error(`unsubstituted placeholder ${left[0]}`);
  return { path, body };
}

/** Fixed ids for unit specs that replay fixtures without creating resources first. */
export const UNIT_FIXTURE_IDS: Record<FixturePlaceholder, string> = {
  userId: 'u-1001',
  groupId: 'g-2001',
  memberId: 'u-3001',
  managerId: 'u-4001',
};

/**
 * Every fixture keyed `entra/<name>` (no `.json`), placeholders replaced by fixed ids — the form the
 * domain unit specs (normaliser, PATCH, projection) table their expectations by.
 */
export function loadFixturesForUnitSpecs(): Array<[string, ScimFixture]> {
  return loadScimFixtures().map(({ file, fixture }): [string, ScimFixture] => [
    file.slice(0, -'.json'.length),
    { ...fixture, ...substitute(fixture, UNIT_FIXTURE_IDS) },
  ]);
}
