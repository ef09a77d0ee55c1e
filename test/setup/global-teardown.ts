export default async function globalTeardown(): Promise<void> {
  await globalThis.__ROSTER_TEST_DB__?.dispose();
}
