import { VerifyApiKeyUseCase } from '../../src/modules/tenancy/application/verify-api-key.use-case';
import { ApiKeyCache } from '../../src/modules/tenancy/infrastructure/api-key.cache';
import type { ApiKeyRepository } from '../../src/modules/tenancy/infrastructure/api-key.repository';
import type { RevocationListener } from '../../src/modules/tenancy/infrastructure/revocation-listener';
import { validateEnv } from '../../src/config/env.schema';
import type { RateWindows } from '../../src/shared/database/rate-windows';
import { AdminAuthFailureLimiter } from '../../src/shared/http/admin-auth-failure-limiter';
import { BootstrapKeyVerifier } from '../../src/shared/http/bootstrap-key.verifier';
import { PrincipalResolver } from '../../src/shared/http/principal-resolver';
import { compareRounds, fmt, line, request, verdict } from './bench-utils';
import { ADMIN_TOKEN, admin, startRoster } from './roster-process';

/** Issue #18: what checking an API key adds to an admin request. Target ≤ 0.1 ms. */
const TARGET_MS = 0.1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Two figures. (1) End to end: a cheap admin GET with the bootstrap ADMIN_TOKEN against the same
 * GET with an API key, one request at a time in alternating rounds — the p50 difference is what the
 * key check adds (the bootstrap check is one SHA-256). (2) The check alone, in this process: the
 * PrincipalResolver with Tenancy's verifier, a cached key (its steady state), per call.
 */
export async function keysSection(databaseUrl: string, out: string[]): Promise<void> {
  const roster = await startRoster(databaseUrl);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const perRound = Number(process.env.BENCH_PER_ROUND ?? 4000);
  try {
    const tenant = await admin(roster.base, 'POST', '/admin/v1/tenants', { name: 'Bench keys' });
    const { key } = await admin(roster.base, 'POST', '/admin/v1/api-keys', { name: 'bench', scope: 'admin' });
    const path = `/admin/v1/tenants/${tenant.id}`;
    const get = (token: string) => async () =>
      (await request(roster.base, 'GET', path, { authorization: `Bearer ${token}` })).status === 200;
    await compareRounds(1, 1000, 1, get(ADMIN_TOKEN), get(key as string)); // warm-up
    const c = await compareRounds(rounds, perRound, 1, get(ADMIN_TOKEN), get(key as string));
    const bootstrap = median(c.base.map((s) => s.p50));
    const withKey = median(c.subject.map((s) => s.p50));
    c.base.forEach((b, k) =>
      out.push(
        line(`    round ${k + 1}`, `p50 bootstrap ${fmt(b.p50, 3)} ms | API key ${fmt(c.subject[k].p50, 3)} ms`),
      ),
    );
    const added = withKey - bootstrap;
    out.push(
      line(
        'admin GET p50: API key − bootstrap token',
        `${fmt(added, 3)} ms (${fmt(withKey, 3)} vs ${fmt(bootstrap, 3)})${c.errors ? `, ${c.errors} errors` : ''}`,
        `≤ ${TARGET_MS} ms`,
        verdict(added <= TARGET_MS && c.errors === 0),
      ),
    );
  } finally {
    await roster.stop();
  }

  // The check alone: a cached key, as every request after a key's first one meets it.
  const listener = { listening: true, subscribe: () => undefined } as unknown as RevocationListener;
  const principal = { id: 'k', name: 'bench', scope: 'admin' as const, tenantId: null, lastUsedAt: new Date() };
  const repo = {
    findActiveByHash: (hash: Buffer) => Promise.resolve({ ...principal, keyHash: hash }),
    touch: () => Promise.resolve(),
  } as unknown as ApiKeyRepository;
  // The failure budget off: a cached key never reaches it, and no database counts here.
  const limiter = new AdminAuthFailureLimiter(validateEnv({ ADMIN_AUTH_FAILURES_PER_MINUTE: '0' }), {} as RateWindows);
  const keys = new BootstrapKeyVerifier(ADMIN_TOKEN, new VerifyApiKeyUseCase(repo, new ApiKeyCache(listener)), limiter);
  const resolver = new PrincipalResolver(keys, validateEnv({}));
  const secret = `rak_${'b'.repeat(43)}`;
  const req = { method: 'GET', headers: { authorization: `Bearer ${secret}` } };
  const bootstrapReq = { method: 'GET', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  if ((await resolver.resolve(req))?.keyId !== 'k') throw new Error('bench: the key did not resolve');
  const time = async (r: typeof req, n: number) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await resolver.resolve(r);
    return Number(process.hrtime.bigint() - start) / 1e6 / n;
  };
  const n = 200_000;
  await time(req, n / 4);
  await time(bootstrapReq, n / 4);
  const perKey = median([await time(req, n), await time(req, n), await time(req, n)]);
  const perBootstrap = median([await time(bootstrapReq, n), await time(bootstrapReq, n), await time(bootstrapReq, n)]);
  out.push(
    line(
      'key check alone (cached), per request',
      `${fmt(perKey * 1000, 2)} µs (bootstrap token ${fmt(perBootstrap * 1000, 2)} µs)`,
      `≤ ${TARGET_MS * 1000} µs`,
      verdict(perKey <= TARGET_MS),
    ),
  );
}
