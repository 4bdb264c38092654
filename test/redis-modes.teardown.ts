/** jest globalTeardown of jest.redis-modes.config.js: stops what test/redis-modes.setup.ts started. */
export default async function teardown(): Promise<void> {
  await (globalThis as { stepupTestRedis?: { stop(): Promise<void> } }).stepupTestRedis?.stop();
}
