import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { watchBullWorker } from '../../src/lifecycle/bullmq-watched-worker';
import { WatchdogVerdict, WorkerWatchdog } from '../../src/lifecycle/worker-watchdog';
import { eventually, until } from '../helpers/eventually';
import { PrivateRedis } from '../helpers/private-redis';

/**
 * A BullMQ worker wedged in its wait for a job, on a Redis of the test's own: Redis goes down while the
 * worker blocks, and its blocking client, between two reconnection attempts, is disconnected. ioredis
 * then cancels the retry and emits no 'end' (the mechanism of taskforcesh/bullmq#4656, which BullMQ's
 * own close and pause run into), so the worker's reconnect waits for a 'ready' that never comes: Redis
 * is back, jobs wait, no error. The watchdog must notice and replace it with a fresh worker.
 */
jest.setTimeout(60_000);

describe('Worker watchdog against a real Redis', () => {
  const redis = new PrivateRedis();
  let queue: Queue;
  let worker: Worker;
  const processed: string[] = [];

  beforeAll(async () => {
    await redis.start();
    const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null, retryStrategy: () => 100 };
    queue = new Queue('stall', { connection });
    // A short block and retry pause, so that the threshold the watchdog derives from them is a few seconds.
    worker = new Worker(
      'stall',
      async (job) => {
        processed.push(job.id!);
      },
      { connection, drainDelay: 1, runRetryDelay: 500 },
    );
    worker.on('error', () => undefined); // the outage's connection errors are expected
  });
  afterAll(async () => {
    await worker?.close(true);
    await queue?.close();
    await redis.close();
  });

  /** Redis down while the worker blocks, its blocking client disconnected between two reconnection attempts, Redis back. */
  async function wedge(): Promise<void> {
    const blocking = await (worker as unknown as { blockingConnection: { client: Promise<Redis> } }).blockingConnection.client;
    await redis.stop();
    await eventually(() => blocking.status === 'reconnecting', 'the blocking client to wait between reconnection attempts');
    blocking.disconnect(); // cancels the armed retry: the client stays 'reconnecting' for good
    await redis.start();
  }

  /** Runs the watchdog over the wedged worker until it recovers it; the verdicts it gave on the way. */
  async function recover(): Promise<WatchdogVerdict['kind'][]> {
    const watched = watchBullWorker(worker, (stale, fresh) => {
      if (stale === worker) worker = fresh;
    });
    const sut = new WorkerWatchdog(() => [watched]);
    const verdicts: WatchdogVerdict['kind'][] = [];
    await until(
      'the watchdog to recover the worker',
      async () => {
        const verdict = (await sut.check(Date.now())).get(watched)!;
        verdicts.push(verdict.kind);
        return verdict.kind === 'recovered' ? verdict : undefined;
      },
      { timeoutMs: 3 * watched.stallAfterMs, intervalMs: 500 },
    );
    return verdicts;
  }

  it('replaces a worker that waits on its blocking connection while jobs are ready', async () => {
    await queue.add('before', {}, { jobId: 'before' });
    await eventually(() => processed.includes('before'), 'the worker to take a job before the fault');
    await wedge();
    for (const id of ['a', 'b', 'c']) await queue.add('after', {}, { jobId: id });

    const stuck = worker;
    const verdicts = await recover();
    // Stalled through the whole threshold (longer than BullMQ's own 2 s timer on its block): no job taken before the recovery.
    expect(processed).toEqual(['before']);
    expect(verdicts).not.toContain('busy');
    expect(verdicts).not.toContain('idle');

    await eventually(() => processed.length === 4, 'the fresh worker to take the jobs that waited', { timeoutMs: 20_000 });
    expect(processed.slice(1).sort()).toEqual(['a', 'b', 'c']);
    expect(worker).not.toBe(stuck);
    expect(stuck.closing).toBeDefined();
  });

  it('replaces a wedged worker whose only ready jobs are delayed ones past their time, as a job scheduler leaves them', async () => {
    await wedge();
    // A running worker would move these to wait itself once due; a stuck one leaves them delayed.
    for (const id of ['d', 'e']) await queue.add('delayed', {}, { jobId: id, delay: 100 });

    const stuck = worker;
    // Idle until the jobs are overdue; then suspect, and recovered (a watchdog blind to delayed jobs never gets there).
    const verdicts = await recover();
    expect(processed).not.toContain('d');
    expect(verdicts).not.toContain('busy');
    expect(verdicts.slice(verdicts.indexOf('suspect'))).not.toContain('idle');

    await eventually(() => processed.includes('d') && processed.includes('e'), 'the fresh worker to take the delayed jobs', {
      timeoutMs: 20_000,
    });
    expect(worker).not.toBe(stuck);
  });
});
