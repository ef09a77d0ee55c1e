/** Polls `check` until it stops throwing or `timeoutMs` passes; rethrows the last failure. */
export async function expectEventually(
  check: () => Promise<void> | void,
  timeoutMs = 5000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
