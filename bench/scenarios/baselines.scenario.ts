import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { round, runPool } from '../stats';

export interface BareGetResult {
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  rate: number;
  /** The loop process's CPU (user + system) per request, µs. */
  cpuMicrosPerRequest: number;
}

/** Runs bench/bare-get.js as its own process against the simulator. */
export function bareGetLoop(
  root: string,
  simulatorUrl: string,
  apiKey: string,
  concurrency: number,
  seconds: number,
): Promise<BareGetResult> {
  const script = join(root, 'dist-bench/bench/bare-get.js');
  const args = [script, simulatorUrl, apiKey, '1000', String(concurrency), String(seconds)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: (seconds + 60) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`bare GET loop failed: ${stderr || err.message}`));
      const r = JSON.parse(stdout) as Omit<BareGetResult, 'concurrency'>;
      resolve({
        concurrency,
        seconds: round(r.seconds, 2),
        requests: r.requests,
        errors: r.errors,
        rate: Math.round(r.rate),
        cpuMicrosPerRequest: Math.round(r.cpuMicrosPerRequest),
      });
    });
  });
}

export interface RawBullmqResult {
  jobs: number;
  concurrentAdd: { concurrency: number; perSecond: number };
  addBulk: { batch: number; perSecond: number };
}

/**
 * The raw cost of scheduling: the same number of jobs as approvals created, with the options a
 * per-approval delayed job would have (custom id, delay, removal), added by `concurrency` callers
 * one by one and with addBulk. Polling no longer adds a job per approval (it claims from a ZSET);
 * this stays as the reference cost of one BullMQ write.
 */
export async function rawBullmqAdd(
  redisUrl: string,
  prefix: string,
  jobs: number,
  concurrency: number,
  delayMs: number,
): Promise<RawBullmqResult> {
  const url = new URL(redisUrl);
  const queue = new Queue('bench-raw', { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
  const opts = (i: number, run: string) => ({
    jobId: `poll-${run}-${i}`,
    delay: delayMs,
    removeOnComplete: true,
    removeOnFail: { age: 7 * 86_400 },
    attempts: 5,
    backoff: { type: 'exponential' as const, delay: 1000 },
  });
  try {
    await queue.waitUntilReady();
    let started = performance.now();
    await runPool(jobs, concurrency, async (i) => {
      await queue.add('poll', { approvalId: `a-${i}` }, opts(i, 'one'));
    });
    const concurrentRate = jobs / ((performance.now() - started) / 1000);
    const batch = 50;
    started = performance.now();
    for (let i = 0; i < jobs; i += batch) {
      const n = Math.min(batch, jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, k) => ({ name: 'poll', data: { approvalId: `b-${i + k}` }, opts: opts(i + k, 'bulk') })),
      );
    }
    const bulkRate = jobs / ((performance.now() - started) / 1000);
    return {
      jobs,
      concurrentAdd: { concurrency, perSecond: Math.round(concurrentRate) },
      addBulk: { batch, perSecond: Math.round(bulkRate) },
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
