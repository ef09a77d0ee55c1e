import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../utils/free-port';
import { join } from 'node:path';
import { request } from './bench-utils';

/** Starts the built Roster (`dist/`) as a child process, the way an operator runs it. */
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef0123456789';
export const AUDIT_CHAIN_KEY = 'bench-audit-chain-key-0123456789abcdef0123456789';

export async function startRoster(
  databaseUrl: string,
  env: Record<string, string> = {},
  node = process.execPath,
): Promise<{ base: URL; stop(): Promise<void>; pid: number }> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(node, [...profile, join(__dirname, '../../dist/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN,
      AUDIT_CHAIN_KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SCIM_RATE_LIMIT_PER_SECOND: '0',
      DATABASE_MIGRATE_ON_BOOT: 'false',
      DATABASE_POOL_SIZE: '20',
      CRON_ENABLED: 'false',
      // No Prometheus listener: a Roster already on the machine (or a second bench) holds 9464.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = new URL(`http://127.0.0.1:${port}`);
  for (let i = 0; i < 200; i++) {
    try {
      if ((await request(base, 'GET', '/health', {})).status === 200) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function admin(base: URL, method: string, path: string, body?: unknown) {
  const res = await request(
    base,
    method,
    path,
    { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body ? JSON.stringify(body) : undefined,
  );
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body || '{}');
}
