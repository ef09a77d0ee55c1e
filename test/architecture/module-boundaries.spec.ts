import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * House style §4.3, enforced by reading every import in src/ (a dependency-cruiser in ~60 lines):
 * modules reach each other only through `public/`, domain code stays framework-free, `public/` never
 * exposes infrastructure, and the shared kernel never imports a module.
 */
const ROOT = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

interface Import {
  from: string;
  spec: string;
  target?: string;
}

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of files(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/g)) {
      const spec = m[1] ?? m[2];
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : undefined;
      out.push({
        from: relative(ROOT, file).split(sep).join('/'),
        spec,
        target: target && relative(ROOT, target).split(sep).join('/'),
      });
    }
  }
  return out;
}

const moduleOf = (path: string) => /^modules\/([^/]+)\//.exec(path)?.[1];

describe('module boundaries', () => {
  const all = imports();

  it('reads the source tree', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  it('crosses from one module into another only through its public/ folder', () => {
    const bad = all.filter((i) => {
      const a = moduleOf(i.from);
      const b = i.target ? moduleOf(i.target) : undefined;
      if (!a || !b || a === b) return false;
      // Importing another module's Nest module class is how Nest wires modules together.
      if (new RegExp(`^modules/${b}/${b}\\.module$`).test(i.target!)) return false;
      return !i.target!.startsWith(`modules/${b}/public`);
    });
    expect(bad.map((i) => `${i.from} → ${i.spec}`)).toEqual([]);
  });

  it('keeps domain code free of Nest, TypeORM, infrastructure and HTTP', () => {
    const bad = all.filter(
      (i) =>
        /\/domain\//.test(i.from) &&
        (/^@nestjs\//.test(i.spec) || i.spec === 'typeorm' || /\/(infrastructure|http)\//.test(i.target ?? '')),
    );
    expect(bad.map((i) => `${i.from} → ${i.spec}`)).toEqual([]);
  });

  it('never exposes infrastructure through public/', () => {
    const bad = all.filter((i) => /\/public\//.test(i.from) && /\/infrastructure\//.test(i.target ?? ''));
    expect(bad.map((i) => `${i.from} → ${i.spec}`)).toEqual([]);
  });

  it('keeps the shared kernel independent of the modules', () => {
    const bad = all.filter((i) => i.from.startsWith('shared/') && (i.target ?? '').startsWith('modules/'));
    expect(bad.map((i) => `${i.from} → ${i.spec}`)).toEqual([]);
  });

  it('never imports test code from src', () => {
    const bad = all.filter((i) => (i.target ?? '').startsWith('../test') || /(^|\/)test\//.test(i.target ?? ''));
    expect(bad.map((i) => `${i.from} → ${i.spec}`)).toEqual([]);
  });
});
