import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The physical limit of polling on this machine: a bare keep-alive HTTP loop doing the service's
 * poll request (GET /operations/{id}, X-Api-Key, read and parse the JSON) against the same
 * simulator. Runs as its own process, as the service does, and prints one JSON line.
 * Usage: node bare-get.js <simulatorBaseUrl> <apiKey> <operations> <concurrency> <seconds>
 */
async function main(): Promise<void> {
  const [base, apiKey, operationsArg, concurrencyArg, secondsArg] = process.argv.slice(2);
  const operations = Number(operationsArg);
  const concurrency = Number(concurrencyArg);
  const durationMs = Number(secondsArg) * 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const ids = Array.from({ length: operations }, (_, i) => `bare-${process.pid}-${i}`);
  const call = (method: string, path: string, body?: string) =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = { 'x-api-key': apiKey, accept: 'application/json' };
      if (body) headers['content-type'] = 'application/json';
      const req = request(`${base}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${method} ${path} answered ${res.statusCode}`));
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
      });
      req.once('error', reject);
      req.end(body);
    });

  for (const id of ids) await call('POST', '/users/BA5E0001/operations', JSON.stringify({ operationId: id }));

  let done = 0;
  let errors = 0;
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
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ requests: done, errors, seconds, rate: done / seconds })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
