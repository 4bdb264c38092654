import { performance } from 'node:perf_hooks';
import { BenchContext } from '../bench.context';
import { waitUntil } from '../stats';

export interface DeliveryAvailability {
  available: boolean;
  reason?: string;
}

/**
 * One approval through the whole path before measuring: tells which notification channels the
 * service under test delivers, so that a missing one is reported "not measured" with its reason
 * instead of slowing every step by its timeout.
 */
export async function probeDelivery(ctx: BenchContext): Promise<{ webhook: DeliveryAvailability; sse: DeliveryAvailability }> {
  const approval = await ctx.client.createApproval({ userId: 'BEEF', operationId: `${ctx.runId}-probe`, timeoutSeconds: 600 });
  await ctx.sse.connect([approval]);
  const sseOpen = ctx.sse.open > 0;
  ctx.decided.set(approval.id, performance.now());
  ctx.sim.approve(approval.id);
  const waitMs = 4 * ctx.options.intervalMs + 8000;
  const detected = await waitUntil(() => ctx.watcher.arrivals.has(approval.id), waitMs);
  if (!detected) throw new Error(`the service did not notice a decision within ${waitMs} ms: polling is not working`);
  await waitUntil(() => ctx.receiver.arrivals.has(approval.id) && (!sseOpen || ctx.sse.arrivals.has(approval.id)), 5000);
  const webhook = ctx.receiver.arrivals.has(approval.id)
    ? { available: true }
    : { available: false, reason: 'no webhook reached the receiver within 5 s of the decision being stored' };
  const sse = !sseOpen
    ? { available: false, reason: `GET eventsUrl was not an event stream (${ctx.sse.lastFailure ?? 'unknown'})` }
    : ctx.sse.arrivals.has(approval.id)
      ? { available: true }
      : { available: false, reason: 'the stream opened but no terminal event arrived within 5 s of the decision being stored' };
  ctx.sse.closeAll();
  return { webhook, sse };
}
