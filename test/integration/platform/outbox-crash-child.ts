/**
 * Child process for the crash test: boots Roster with the relay off, creates a tenant through the
 * admin API (the TenantCreatedEvent commits to the outbox), prints the tenant id and waits to be
 * SIGKILLed — a crash between commit and relay.
 */
import 'reflect-metadata';
import { createCrashChildApp, reportAndWaitForKill } from '../../utils/crash-child';

async function main() {
  const { env, app } = await createCrashChildApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/admin/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Crashy', ssoDomains: ['crash.example'] }),
  });
  const body = (await res.json()) as { id: string };
  reportAndWaitForKill(`TENANT ${body.id}`);
}

void main();
