import { randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { ScimTokenRepository } from '../../../src/modules/tenancy/infrastructure/scim-token.repository';
import { createTenantWithConnection } from '../../factories/tenant.factory';
import { createTestApp, type TestApp } from '../../utils/create-test-app';
import { SCIM_ERROR_URN } from '../../utils/scim-envelope';

/**
 * Failed SCIM authentication is throttled per client address and per connection id BEFORE the token
 * lookup (issue #17): past the budget, 429 + Retry-After in the SCIM envelope and no database lookup;
 * a correct token — from another address, or a known one on the attacked connection — still gets 200.
 * Client addresses are real: the attacker connects from 127.0.0.2, the good client from 127.0.0.1.
 */
describe('SCIM authentication failures are throttled before the lookup', () => {
  const BUDGET = 5;
  let t: TestApp;
  const attacker = new Agent({ localAddress: '127.0.0.2' });
  const good = new Agent({ localAddress: '127.0.0.1' });

  beforeAll(async () => {
    t = await createTestApp({ SCIM_AUTH_FAILURES_PER_MINUTE: String(BUDGET) });
  });
  afterAll(async () => {
    await Promise.all([attacker.close(), good.close()]);
    await t?.close();
  });

  const get = async (agent: Agent, connectionId: string, token: string) => {
    const res = await undiciFetch(`${t.baseUrl}/scim/v2/${connectionId}/Users?count=1`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: agent,
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };

  it('answers 429 past the budget without looking the token up, while good clients get 200', async () => {
    const victim = await createTenantWithConnection(t.admin);
    const other = await createTenantWithConnection(t.admin);
    // The victim's IdP has been working (its token is known good to this process).
    expect((await get(good, victim.connectionId, victim.token)).status).toBe(200);
    const lookups = jest.spyOn(t.app.get(ScimTokenRepository), 'findByHash');

    const results = [];
    for (let i = 0; i < 40; i++) {
      results.push(await get(attacker, victim.connectionId, `rst_${randomBytes(32).toString('base64url')}`));
    }
    const statuses = results.map((r) => r.status);
    expect(statuses.slice(0, BUDGET)).toEqual(Array(BUDGET).fill(401));
    expect(statuses.slice(BUDGET)).toEqual(Array(40 - BUDGET).fill(429));
    for (const r of results.slice(BUDGET)) {
      expect(r.body).toMatchObject({ schemas: [SCIM_ERROR_URN], status: '429' });
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Only the admitted attempts reached the database.
    expect(lookups).toHaveBeenCalledTimes(BUDGET);

    // The attacker's address is throttled on any connection; the victim connection for unknown tokens.
    expect((await get(attacker, other.connectionId, `rst_${randomBytes(32).toString('base64url')}`)).status).toBe(429);
    expect((await get(good, victim.connectionId, `rst_${randomBytes(32).toString('base64url')}`)).status).toBe(429);
    // Good clients are unaffected: another connection from another address, a never-cached correct
    // token from another address, and the victim's own IdP with its known token.
    expect((await get(good, other.connectionId, other.token)).status).toBe(200);
    expect((await get(good, victim.connectionId, victim.token)).status).toBe(200);
    lookups.mockRestore();
  });
});
