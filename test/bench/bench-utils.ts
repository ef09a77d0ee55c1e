import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

export interface LatencyStats {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

export function stats(latenciesMs: number[], seconds: number, errors: number): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
  return {
    count: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50: q(0.5),
    p99: q(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    errors,
  };
}

/** Runs `task(i)` for i in [0, total) with `concurrency` workers; returns per-call latencies. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<boolean>,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = process.hrtime.bigint();
        const ok = await task(i).catch(() => false);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!ok) errors++;
      }
    }),
  );
  return stats(latencies, Number(process.hrtime.bigint() - started) / 1e9, errors);
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

export function line(label: string, value: string, target = '', verdict = ''): string {
  return `${label.padEnd(58)} ${value.padEnd(28)} ${target.padEnd(22)} ${verdict}`;
}

export const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

const pools = new Map<string, Pool>();

/**
 * The load generator's HTTP client: undici (the engine of Node's own fetch) over keep-alive
 * connections. The load generator shares the machine's two cores with Roster and PostgreSQL, so
 * every microsecond it spends per request is taken from what is measured; undici's client costs
 * less CPU per request than `http.request` with an Agent.
 */
export async function request(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  let pool = pools.get(base.origin);
  if (!pool) {
    pool = new Pool(base.origin, { connections: 64, pipelining: 1 });
    pools.set(base.origin, pool);
  }
  const res = await pool.request({ method: method, path, headers, body });
  return { status: res.statusCode, body: await res.body.text() };
}

export async function closeLoadClients(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}

export interface Comparison {
  base: LatencyStats[];
  subject: LatencyStats[];
  /** subject ÷ base throughput, per round */
  ratios: number[];
  /** the median round's figures */
  ratio: number;
  p99: number;
  perSecond: number;
  basePerSecond: number;
  errors: number;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Measures `subject` against `base` in alternating rounds (base, subject, base, subject, …) so both
 * see the same machine: on a shared 2-core box the same build varies ±25 % from minute to minute,
 * and a ratio of two figures taken a minute apart measures the neighbours. Each round runs
 * `perRound` calls at `concurrency`; the verdict takes the median round (all rounds are printed).
 */
export async function compareRounds(
  rounds: number,
  perRound: number,
  concurrency: number,
  base: (i: number) => Promise<boolean>,
  subject: (i: number) => Promise<boolean>,
): Promise<Comparison> {
  const b: LatencyStats[] = [];
  const s: LatencyStats[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(await runConcurrent(perRound, concurrency, (i) => base(r * perRound + i)));
    s.push(await runConcurrent(perRound, concurrency, (i) => subject(r * perRound + i)));
  }
  const ratios = s.map((x, k) => x.perSecond / b[k].perSecond);
  return {
    base: b,
    subject: s,
    ratios,
    ratio: median(ratios),
    p99: median(s.map((x) => x.p99)),
    perSecond: median(s.map((x) => x.perSecond)),
    basePerSecond: median(b.map((x) => x.perSecond)),
    errors: s.reduce((n, x) => n + x.errors, 0) + b.reduce((n, x) => n + x.errors, 0),
  };
}

/** One line per round: `raw 9,120/s p99 7.1 | roster 3,020/s p99 18.2 | 0.33×`. */
export function roundLines(c: Comparison, baseName: string, subjectName: string): string[] {
  return c.ratios.map((ratio, k) =>
    line(
      `    round ${k + 1}`,
      `${baseName} ${fmt(c.base[k].perSecond, 0)}/s p99 ${fmt(c.base[k].p99)} | ${subjectName} ${fmt(c.subject[k].perSecond, 0)}/s p99 ${fmt(c.subject[k].p99)} | ${fmt(ratio, 2)}×`,
    ),
  );
}

/** Linux clock ticks per second of /proc/<pid>/stat utime/stime (USER_HZ, 100 on every common kernel). */
const USER_HZ = 100;

/** CPU time (user + system) the process has used so far, in ms — from /proc, so Linux only. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5), counted from `state` (field 3) here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}
