/**
 * Child process for the crash test: Roster with the outbox relay OFF answers one SCIM request
 * (the deactivation commits with its event in the outbox), prints DONE, and waits to be SIGKILLed
 * before any handler could run.
 */
import 'reflect-metadata';
import { createCrashChildApp, reportAndWaitForKill } from '../../utils/crash-child';

async function main() {
  const { app } = await createCrashChildApp({ SCIM_RATE_LIMIT_PER_SECOND: '0' });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}${process.env.CHILD_PATH}`, {
    method: process.env.CHILD_METHOD ?? 'PATCH',
    headers: { authorization: `Bearer ${process.env.CHILD_TOKEN}`, 'content-type': 'application/scim+json' },
    body: process.env.CHILD_BODY,
  });
  reportAndWaitForKill(`DONE ${res.status}`);
}

void main();
