/**
 * The tests' one way to wait for a state that no event announces (a process listening, a Redis
 * client list, a status after an outage): poll, and fail with what was awaited and what was last seen.
 */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves with the first value `probe` returns other than undefined; a throw counts as "not yet". */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline)
      throw new Error(`not within ${timeoutMs} ms: ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves once `condition` holds. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  await until(what, async () => ((await condition()) ? true : undefined), options);
}
