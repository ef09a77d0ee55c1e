import http from 'node:http';

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
  return { count: sorted.length, seconds, perSecond: sorted.length / seconds, p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] ?? NaN, errors };
}

/** Runs `task(i)` for i in [0, total) with `concurrency` workers; returns per-call latencies. */
export async function runConcurrent(total: number, concurrency: number, task: (i: number) => Promise<boolean>): Promise<LatencyStats> {
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

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A lean keep-alive HTTP client, so the load generator costs as little CPU as possible. */
export function request(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

export function line(label: string, value: string, target = '', verdict = ''): string {
  return `${label.padEnd(58)} ${value.padEnd(28)} ${target.padEnd(22)} ${verdict}`;
}

export const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');
