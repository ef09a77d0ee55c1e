import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Layer rules inside a module (docs/architecture.md, "Layers"): `domain/` and `application/` never
 * reach for HTTP (a module's `http/` or `shared/http/`) and never run SQL themselves — SQL lives in
 * `infrastructure/` repositories. `domain/` does not import `infrastructure/` either.
 */
const ROOT = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

const sources = files(ROOT).map((file) => ({
  path: relative(ROOT, file).split(sep).join('/'),
  file,
  text: readFileSync(file, 'utf8'),
}));

const layer = (path: string) => /^modules\/[^/]+\/(domain|application)\//.exec(path)?.[1];

function importTargets(file: string, text: string): Array<{ spec: string; target: string }> {
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]*)['"]/g)].map((m) => ({
    spec: m[1],
    target: relative(ROOT, resolve(dirname(file), m[1]))
      .split(sep)
      .join('/'),
  }));
}

/** `sqlRows(`, `manager.query(`, or any `.query(` call (a TypeORM manager, a pg client, a query runner). */
const SQL_CALL = /\bsqlRows\b|\bmanager\s*\.\s*query\b|\.query\s*\(/;

describe('layers', () => {
  const layered = sources.filter((s) => layer(s.path));

  it('finds domain/ and application/ files', () => {
    expect(layered.filter((s) => layer(s.path) === 'domain').length).toBeGreaterThan(5);
    expect(layered.filter((s) => layer(s.path) === 'application').length).toBeGreaterThan(20);
  });

  it('keeps HTTP out of domain/ and application/', () => {
    const bad = layered.flatMap((s) =>
      importTargets(s.file, s.text)
        .filter((i) => /(^|\/)http(\/|$)/.test(i.target))
        .map((i) => `${s.path} → ${i.spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('keeps infrastructure/ out of domain/', () => {
    const bad = layered
      .filter((s) => layer(s.path) === 'domain')
      .flatMap((s) =>
        importTargets(s.file, s.text)
          .filter((i) => /(^|\/)infrastructure(\/|$)/.test(i.target))
          .map((i) => `${s.path} → ${i.spec}`),
      );
    expect(bad).toEqual([]);
  });

  it('runs no SQL in domain/ or application/ (repositories in infrastructure/ do)', () => {
    const bad = layered.flatMap((s) =>
      s.text
        .split('\n')
        .map((line, i) => ({ line, n: i + 1 }))
        .filter(({ line }) => SQL_CALL.test(line))
        .map(({ line, n }) => `${s.path}:${n}: ${line.trim()}`),
    );
    expect(bad).toEqual([]);
  });
});
