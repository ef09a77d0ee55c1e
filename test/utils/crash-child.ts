import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createApp, createLogger } from '../../src/app.factory';
import { validateEnv, type AppEnv } from '../../src/config/env.schema';
import { TEST_AUDIT_CHAIN_KEY } from './create-test-app';

/**
 * Crash tests: a child process runs Roster against the test's database, does one thing that
 * commits, says so on stdout, and is SIGKILLed by the parent before anything else happens.
 */

/** In the child: Roster with the relay and cron off (the parent decides when events move). */
export async function createCrashChildApp(overrides: Record<string, string | undefined> = {}) {
  const env: AppEnv = validateEnv({
    DATABASE_URL: process.env.CHILD_DATABASE_URL,
    ADMIN_TOKEN: 'child-admin-token-0123456789abcdef0123456789',
    // The suite's key: the child and the suite's apps append to the same chain (replicas share it).
    AUDIT_CHAIN_KEY: TEST_AUDIT_CHAIN_KEY,
    OUTBOX_RELAY_ENABLED: 'false',
    CRON_ENABLED: 'false',
    // Children run beside the suite's other processes: a fixed metrics port would collide (EADDRINUSE).
    METRICS_PORT: '0',
    LOG_LEVEL: 'fatal',
    ...overrides,
  });
  return { env, app: await createApp(env, env.ADMIN_TOKEN!, createLogger(env)) };
}

/** In the child: tells the parent a line, then stays alive until it is killed. */
export function reportAndWaitForKill(line: string): void {
  process.stdout.write(`${line}\n`);
  setInterval(() => undefined, 1000);
}

export interface CrashChild {
  readonly process: ChildProcess;
  /** The first match of `pattern` in the child's stdout; rejects if the child exits before it. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** SIGKILL, resolved once the child is gone. */
  kill(): Promise<void>;
}

/** In the parent: runs `script` (TypeScript) with `env` added to this process's environment. */
export function spawnCrashChild(script: string, env: Record<string, string>): CrashChild {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    env: { ...process.env, ...env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) {
            child.stdout.off('data', check);
            resolve(m);
          }
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
        check();
      }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
