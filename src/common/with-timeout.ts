/** What withTimeout rejects with when the time ran out (any other rejection is the promise's own). */
export class TimeoutError extends Error {}

/** Rejects when `promise` has not settled within `ms`: for calls whose client would wait for Redis forever. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
