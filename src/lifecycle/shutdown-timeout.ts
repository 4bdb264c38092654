/** Arms a hard stop: a shutdown that hangs past SHUTDOWN_TIMEOUT_MS ends the process with code 1. */
export function exitAfterShutdownTimeout(timeoutMs: number): void {
  const arm = (signal: NodeJS.Signals) => {
    const timer = setTimeout(() => {
      process.stderr.write(`Shutdown on ${signal} took longer than SHUTDOWN_TIMEOUT_MS=${timeoutMs}: exiting now\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
