/** How often the reconcilers look for what a crash or a loss of Redis data left undone. */
export const RECONCILE_EVERY_MS = 60_000;

/**
 * Runs `task` now, then every `everyMs`, without keeping the process alive for it; returns the
 * function that stops it. `task` handles its own errors: a failed run waits for the next one.
 */
export function runPeriodically(task: () => Promise<unknown>, everyMs: number): () => void {
  void task();
  const timer = setInterval(() => void task(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
