import { WatchedWorker, WorkerWatchdog } from './worker-watchdog';

const STALL_AFTER_MS = 20_000;
const EVERY_MS = 5000;

/** An in-memory worker: its queue's ready jobs, its pickups and its recoveries set by the test. */
class FakeWorker implements WatchedWorker {
  readonly queue = 'deliveries';
  readonly stallAfterMs = STALL_AFTER_MS;
  ready = 0;
  idle = true;
  redisDown = false;
  pickedUpAt?: number;
  recoveries = 0;
  reads = 0;

  isIdle(): boolean {
    return this.idle;
  }
  lastPickupAt(): number | undefined {
    return this.pickedUpAt;
  }
  readyJobs(): Promise<number> {
    this.reads++;
    return this.redisDown ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(this.ready);
  }
  recover(): Promise<string> {
    this.recoveries++;
    return Promise.resolve('ready');
  }
}

function makeWorker(overrides: Partial<FakeWorker> = {}): FakeWorker {
  return Object.assign(new FakeWorker(), overrides);
}

/** Runs one check every EVERY_MS from `from` up to and including `to`, and returns the last verdict of `worker`. */
async function checkEvery(sut: WorkerWatchdog, worker: WatchedWorker, from: number, to: number): Promise<string | undefined> {
  let last: string | undefined;
  for (let now = from; now <= to; now += EVERY_MS) last = (await sut.check(now)).get(worker)?.kind;
  return last;
}

describe(WorkerWatchdog.name, () => {
  it('recovers a worker that picks nothing up while jobs stay ready for the threshold', async () => {
    const worker = makeWorker({ ready: 300 });
    const sut = new WorkerWatchdog(() => [worker]);

    expect(await checkEvery(sut, worker, 0, STALL_AFTER_MS - 1)).toBe('suspect');
    expect(worker.recoveries).toBe(0);
    expect((await sut.check(STALL_AFTER_MS)).get(worker)).toEqual({ kind: 'recovered', found: 'ready' });
    expect(worker.recoveries).toBe(1);
  });

  it('gives a recovered worker a full threshold before recovering it again', async () => {
    const worker = makeWorker({ ready: 300 });
    const sut = new WorkerWatchdog(() => [worker]);
    await checkEvery(sut, worker, 0, STALL_AFTER_MS);
    expect(worker.recoveries).toBe(1);

    expect(await checkEvery(sut, worker, STALL_AFTER_MS + EVERY_MS, 2 * STALL_AFTER_MS - EVERY_MS)).toBe('suspect');
    expect(worker.recoveries).toBe(1);
    await sut.check(2 * STALL_AFTER_MS);
    expect(worker.recoveries).toBe(2);
  });

  it('leaves alone a worker that picked a job up since the last check, without asking Redis', async () => {
    const worker = makeWorker({ ready: 300 });
    const sut = new WorkerWatchdog(() => [worker]);
    for (let now = 0; now <= 3 * STALL_AFTER_MS; now += EVERY_MS) {
      worker.pickedUpAt = now - 1;
      expect((await sut.check(now)).get(worker)?.kind).toBe('busy');
    }
    expect(worker.reads).toBe(0);
    expect(worker.recoveries).toBe(0);
  });

  it('starts counting afresh after a pickup', async () => {
    const worker = makeWorker({ ready: 300 });
    const sut = new WorkerWatchdog(() => [worker]);
    await checkEvery(sut, worker, 0, STALL_AFTER_MS - EVERY_MS);
    worker.pickedUpAt = STALL_AFTER_MS - 1;
    await sut.check(STALL_AFTER_MS);

    expect(await checkEvery(sut, worker, STALL_AFTER_MS + EVERY_MS, 2 * STALL_AFTER_MS)).toBe('suspect');
    expect(worker.recoveries).toBe(0);
  });

  it('leaves alone a worker that runs a job, is paused or is closing', async () => {
    const worker = makeWorker({ ready: 300, idle: false });
    const sut = new WorkerWatchdog(() => [worker]);
    expect(await checkEvery(sut, worker, 0, 3 * STALL_AFTER_MS)).toBe('busy');
    expect(worker.reads).toBe(0);
    expect(worker.recoveries).toBe(0);
  });

  it('leaves alone an idle worker whose queue has no job ready', async () => {
    const worker = makeWorker({ ready: 0 });
    const sut = new WorkerWatchdog(() => [worker]);
    expect(await checkEvery(sut, worker, 0, 3 * STALL_AFTER_MS)).toBe('idle');
    expect(worker.recoveries).toBe(0);
  });

  it('takes jobs that come and go between checks for no stall', async () => {
    const worker = makeWorker();
    const sut = new WorkerWatchdog(() => [worker]);
    for (let now = 0; now <= 3 * STALL_AFTER_MS; now += EVERY_MS) {
      worker.ready = (now / EVERY_MS) % 2;
      await sut.check(now);
    }
    expect(worker.recoveries).toBe(0);
  });

  it('leaves a Redis outage to the worker’s own reconnect', async () => {
    const worker = makeWorker({ ready: 300 });
    const sut = new WorkerWatchdog(() => [worker]);
    await checkEvery(sut, worker, 0, STALL_AFTER_MS - EVERY_MS);
    worker.redisDown = true;
    expect(await checkEvery(sut, worker, STALL_AFTER_MS, 3 * STALL_AFTER_MS)).toBe('unknown');
    expect(worker.recoveries).toBe(0);
  });

  it('judges each worker of the list on its own, including workers added later', async () => {
    const stalled = makeWorker({ ready: 300 });
    const busy = makeWorker({ ready: 300, idle: false });
    const workers: WatchedWorker[] = [busy];
    const sut = new WorkerWatchdog(() => workers);
    await sut.check(0);
    workers.push(stalled);

    await checkEvery(sut, stalled, EVERY_MS, EVERY_MS + STALL_AFTER_MS);
    expect(stalled.recoveries).toBe(1);
    expect(busy.recoveries).toBe(0);
  });
});
