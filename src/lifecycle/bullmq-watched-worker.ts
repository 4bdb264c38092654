import { Worker } from 'bullmq';
import type { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { withTimeout } from '../common/with-timeout';
import type { WatchedWorker } from './worker-watchdog';

/** Longest wait for one step of a recovery or a check (a close, a read): the next check tries again. */
const STEP_MS = 5000;
/** Beyond BullMQ's own pauses (below), so that only a worker that stays stuck is recovered. */
const STALL_MARGIN_MS = 5000;
/** A delayed job this far past its time counts as ready: a running worker promotes one within ms of it. */
const OVERDUE_AFTER_MS = 1000;
/** BullMQ 5 scores a delayed job `due ms × 0x1000 + a 12-bit counter` (its getDelayedScore.lua). */
const DELAYED_SCORE_UNIT = 0x1000;

/**
 * The parts of a BullMQ 5.81.5 Worker the watchdog reads that its public API does not offer: its
 * processor, how many jobs it runs (its lock manager tracks them), its blocking connection and whether
 * it waits on it. Read, never written.
 */
interface WorkerInternals {
  processFn: (...args: unknown[]) => Promise<unknown>;
  lockManager?: { getActiveJobCount(): number };
  blockingConnection?: { client: Promise<Redis> };
  waiting?: unknown;
}

/**
 * A BullMQ Worker as the watchdog sees it, pickups counted from its 'active' events. Recovering it
 * replaces it: `replace` makes the fresh worker the one its processor runs.
 */
export function watchBullWorker(initial: Worker, replace: (stale: Worker, fresh: Worker) => void): WatchedWorker {
  let worker = initial;
  let lastPickupAt: number | undefined;
  // Copied to the fresh worker with its other listeners on a recovery.
  worker.on('active', () => {
    lastPickupAt = Date.now();
  });
  // A worker waits this long on its own without being stuck: its block on the marker (drainDelay, plus
  // the 1 s its own timer allows) and the pause after a failed fetch (runRetryDelay, 15 s by default).
  const { drainDelay = 5, runRetryDelay = 15_000 } = worker.opts;
  const stallAfterMs = Math.max(runRetryDelay, (drainDelay + 1) * 1000) + STALL_MARGIN_MS;
  return {
    queue: worker.name,
    stallAfterMs,
    isIdle: () =>
      worker.isRunning() &&
      !worker.isPaused() &&
      worker.closing === undefined &&
      ((worker as unknown as WorkerInternals).lockManager?.getActiveJobCount() ?? 0) === 0,
    lastPickupAt: () => lastPickupAt,
    readyJobs: async () => {
      // A paused queue keeps its jobs in the paused list, not in these. Delayed jobs count once overdue:
      // a running worker moves them to wait itself, so a stuck one leaves them delayed for good (a job
      // scheduler's next tick among them: the poll queue's ticks are nothing else).
      const client = await withTimeout(worker.client, STEP_MS);
      const overdueBelow = (Date.now() - OVERDUE_AFTER_MS + 1) * DELAYED_SCORE_UNIT - 1;
      const [waiting, prioritized, overdue] = await withTimeout(
        Promise.all([
          client.llen(worker.keys.wait),
          client.zcard(worker.keys.prioritized),
          // BullMQ's narrowed client type leaves ZCOUNT out; the client is an ioredis one.
          (client as unknown as Pick<Redis, 'zcount'>).zcount(worker.keys.delayed, 0, overdueBelow),
        ]),
        STEP_MS,
      );
      return waiting + prioritized + overdue;
    },
    recover: async () => {
      const stale = worker;
      const found = await whereStuck(stale);
      worker = await restart(stale, replace);
      return found;
    },
  };
}

/**
 * Closes the stuck worker and starts a fresh one with the same processor, options, concurrency and
 * listeners. After a failover BullMQ can leave its main loop awaiting a promise nothing settles (a
 * connect whose ready check failed, a disconnect waiting for an 'end' never emitted): no call on the
 * stuck worker reaches that loop, a fresh worker has its own. The close is forced and not waited for
 * beyond a bound: a normal close waits for the stuck loop; no job is left behind, as the watchdog
 * recovers only a worker that runs none.
 */
async function restart(stale: Worker, replace: (stale: Worker, fresh: Worker) => void): Promise<Worker> {
  const { processFn } = stale as unknown as WorkerInternals;
  const fresh = new Worker(stale.name, processFn, { ...stale.opts, autorun: false });
  fresh.concurrency = stale.concurrency;
  for (const event of stale.eventNames()) {
    for (const listener of stale.rawListeners(event)) (fresh as unknown as EventEmitter).on(event, listener as () => void);
  }
  replace(stale, fresh);
  await withTimeout(stale.close(true), STEP_MS).catch(() => undefined);
  fresh.run().catch((err: Error) => fresh.emit('error', err));
  return fresh;
}

/** Where the stuck worker was, for the log: its blocking connection's status, and whether it waited on it. */
async function whereStuck(worker: Worker): Promise<string> {
  const internals = worker as unknown as WorkerInternals;
  const connecting = internals.blockingConnection?.client ?? Promise.reject(new Error('none'));
  const client = await withTimeout(connecting, STEP_MS).catch(() => undefined);
  const place = internals.waiting ? 'in its wait for a job' : 'not in its wait for a job';
  return `blocking connection ${client?.status ?? 'not connected'}, ${place}`;
}
