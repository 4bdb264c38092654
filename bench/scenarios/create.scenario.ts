import { performance } from 'node:perf_hooks';
import { BenchContext } from '../bench.context';
import { LatencySummary, round, runPool, sleep, summarize, waitUntil } from '../stats';

export interface CreateResult {
  count: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  latency?: LatencySummary;
  errors: number;
  firstError?: string;
  /** Pending approvals already held (and polled) when this batch started. */
  pendingBefore: number;
  /** CPU the service processes used during the batch ÷ approvals created: polls of pending approvals included. */
  cpuMicrosPerCreate: number;
}

let sequence = 0;

export interface CreatesGoalResult extends CreateResult {
  /** The same number created first on the process just started: reported, not judged. */
  afterStart: CreateResult;
}

/**
 * The creates goal measures a running service. A process just started spends its first thousands of
 * requests compiling the request path (docs/benchmarks.md compares the two batches), which says how
 * fast it starts, not how fast it serves. So a first batch of the
 * same size is created and reported apart, then rejected at the simulator; once its terminal events are
 * in and the polls it caused are over, the measured batch starts on a service holding nothing pending.
 */
export async function measureCreates(ctx: BenchContext, count: number): Promise<CreatesGoalResult> {
  const afterStart = await createApprovals(ctx, count);
  const warmUp = ctx.pending.splice(0, ctx.pending.length);
  for (const approval of warmUp) ctx.sim.reject(approval.id);
  const settled = await waitUntil(() => warmUp.every((a) => ctx.watcher.arrivals.has(a.id)), 30_000, 100);
  if (!settled) throw new Error('the approvals created to warm the service up were not all decided within 30 s');
  // Their webhooks go out within a few hundred milliseconds of the decisions: let them finish too.
  await sleep(Math.max(2 * ctx.options.intervalMs, 2000));
  return { ...(await createApprovals(ctx, count)), afterStart };
}

/** `count` approvals created by `concurrency` callers, each waiting for its 201 before the next request. */
export async function createApprovals(ctx: BenchContext, count: number): Promise<CreateResult> {
  const { createConcurrency: concurrency } = ctx.options;
  const pendingBefore = ctx.pending.length;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const processes = [ctx.service, ...ctx.workers];
  const cpuBefore = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0);
  const started = performance.now();
  await runPool(count, concurrency, async () => {
    const n = sequence++;
    const t0 = performance.now();
    try {
      const approval = await ctx.client.createApproval({
        // One user per approval, as in a real population; hexadecimal as Recognize requires.
        userId: `B${n.toString(16).toUpperCase().padStart(6, '0')}`,
        operationId: `${ctx.runId}-${n}`,
        timeoutSeconds: 3600,
        message: 'Approve transfer of 500.00 EUR to DE89 3704 0044 0532 0130 00',
      });
      latencies.push(performance.now() - t0);
      ctx.pending.push(approval);
    } catch (err) {
      errors += 1;
      firstError ??= (err as Error).message;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpuBefore;
  // A service that refuses creations cannot be loaded to the step asked: stop rather than measure less.
  if (errors > count / 100) throw new Error(`${errors} of ${count} creations failed; first: ${firstError}`);
  return {
    count,
    concurrency,
    seconds: round(seconds, 2),
    perSecond: Math.round(latencies.length / seconds),
    latency: summarize(latencies),
    errors,
    ...(firstError && { firstError }),
    pendingBefore,
    cpuMicrosPerCreate: Math.round((1e6 * cpu) / Math.max(1, latencies.length)),
  };
}
