import { performance } from 'node:perf_hooks';
import { BenchContext } from '../bench.context';
import { LatencySummary, round, runPool, summarize } from '../stats';

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
}

let sequence = 0;

/** `count` approvals created by `concurrency` callers, each waiting for its 201 before the next request. */
export async function createApprovals(ctx: BenchContext, count: number): Promise<CreateResult> {
  const { createConcurrency: concurrency } = ctx.options;
  const pendingBefore = ctx.pending.length;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
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
  };
}
