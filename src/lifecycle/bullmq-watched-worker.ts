import type { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { withTimeout } from '../common/with-timeout';
import type { WatchedWorker } from './worker-watchdog';

/** Longest wait for one step of a recovery (a connect, a disconnect's 'end'): the next check tries again. */
const RECOVERY_STEP_MS = 5000;
/** Beyond BullMQ's own pauses (below), so that only a worker that stays stuck is recovered. */
const STALL_MARGIN_MS = 5000;

/**
 * The parts of a BullMQ 5.81.5 Worker the watchdog reads that its public API does not offer: how many
 * jobs it is running (its lock manager tracks them) and its blocking connection. Read, never replaced.
 */
interface WorkerInternals {
  lockManager?: { getActiveJobCount(): number };
  blockingConnection?: { client: Promise<Redis> };
  opts: { drainDelay?: number; runRetryDelay?: number };
}

/** A BullMQ Worker as the watchdog sees it: its pickups counted from its own 'active' events. */
export function watchBullWorker(worker: Worker): WatchedWorker {
  const internals = worker as unknown as WorkerInternals;
  let lastPickupAt: number | undefined;
  worker.on('active', () => {
    lastPickupAt = Date.now();
  });
  // A worker waits this long on its own without being stuck: its block on the marker (drainDelay, plus
  // the 1 s its own timer allows) and the pause after a failed fetch (runRetryDelay, 15 s by default).
  const { drainDelay = 5, runRetryDelay = 15_000 } = internals.opts;
  const stallAfterMs = Math.max(runRetryDelay, (drainDelay + 1) * 1000) + STALL_MARGIN_MS;
  return {
    queue: worker.name,
    stallAfterMs,
    canTakeJobs: () =>
      worker.isRunning() && !worker.isPaused() && !worker.closing && (internals.lockManager?.getActiveJobCount() ?? 0) < worker.concurrency,
    lastPickupAt: () => lastPickupAt,
    readyJobs: async () => {
      // A paused queue keeps its jobs in the paused list, not in these two.
      const client = await withTimeout(worker.client, RECOVERY_STEP_MS);
      const [waiting, prioritized] = await withTimeout(
        Promise.all([client.llen(worker.keys.wait), client.zcard(worker.keys.prioritized)]),
        RECOVERY_STEP_MS,
      );
      return waiting + prioritized;
    },
    recover: () => restartBlockingClient(internals),
  };
}

/**
 * Ends the worker's blocking client with an 'end' event, which every await of the worker's wait for a
 * job settles on (the disconnect it sent, the ready it waits for); the worker then connects the
 * client again itself, as after any disconnect. A client that is not connected first connects: a
 * disconnect from there (an ioredis client between retries, a cluster client with no node left)
 * changes its status and emits no 'end', which is how the wait got stuck. Best effort, bounded;
 * resolves to the status the client was found in, for the log.
 */
async function restartBlockingClient(worker: WorkerInternals): Promise<string> {
  const connecting = worker.blockingConnection?.client ?? Promise.reject(new Error('no blocking connection'));
  const client = await withTimeout(connecting, RECOVERY_STEP_MS).catch(() => undefined);
  if (!client) return 'not connected';
  const found = client.status;
  if (found === 'end') return found;
  if (client.status !== 'ready' && client.status !== 'connect') {
    await withTimeout(client.connect(), RECOVERY_STEP_MS).catch(() => undefined);
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  client.disconnect();
  await withTimeout(ended, RECOVERY_STEP_MS).catch(() => undefined);
  return found;
}
