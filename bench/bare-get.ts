import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * The physical limit of polling on this machine: a bare keep-alive loop doing the service's poll
 * request (GET /operations/{id}, X-Api-Key, read and parse the JSON) against the same simulator,
 * with the HTTP client the service's RecognizeClient uses (an undici Pool, one request per
 * connection at a time). Runs as its own process, as the service does, and prints one JSON line
 * with its rate and its CPU per request.
 * Usage: node bare-get.js <simulatorBaseUrl> <apiKey> <operations> <concurrency> <seconds>
 */
async function main(): Promise<void> {
  const [base, apiKey, operationsArg, concurrencyArg, secondsArg] = process.argv.slice(2);
  const operations = Number(operationsArg);
  const concurrency = Number(concurrencyArg);
  const durationMs = Number(secondsArg) * 1000;
  const url = new URL(base);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1 });
  const ids = Array.from({ length: operations }, (_, i) => `bare-${process.pid}-${i}`);
  const headers = { 'x-api-key': apiKey, accept: 'application/json' };
  const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
    const response = await pool.request({
      method,
      path: `${basePath}${path}`,
      headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      body,
    });
    const parsed: unknown = await response.body.json();
    if (response.statusCode !== 200) throw new Error(`${method} ${path} answered ${response.statusCode}`);
    return parsed;
  };

  for (const id of ids) await call('POST', '/users/BA5E0001/operations', JSON.stringify({ operationId: id }));

  let done = 0;
  let errors = 0;
  // The loop's own CPU per request: the floor of what one poll's GET costs any process on this machine.
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + durationMs;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < until; i += concurrency) {
      try {
        await call('GET', `/operations/${ids[i % operations]}`);
        done += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.destroy();
  const cpuMicrosPerRequest = (cpu.user + cpu.system) / Math.max(1, done);
  process.stdout.write(`${JSON.stringify({ requests: done, errors, seconds, rate: done / seconds, cpuMicrosPerRequest })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
