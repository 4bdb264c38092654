import { performance } from 'node:perf_hooks';
import { BenchContext, ChannelLatency, collectLatencies, takeRandom } from '../bench.context';
import { CreatedApproval } from '../service.client';
import { SseClients } from '../sse.clients';
import { LatencySummary, round, sleep, summarize } from '../stats';
import { createApprovals } from './create.scenario';

export interface BurstResult {
  askedRate: number;
  seconds: number;
  decisions: number;
  /** Decisions made ÷ the time from the first to the last, and the fewest made in any whole second. */
  achievedRate: number;
  slowestSecond: number;
  pendingAtStart: number;
  sseFollowed: number;
  webhook?: ChannelLatency;
  sse?: ChannelLatency;
  detection?: ChannelLatency;
  /** webhook p50 − SSE p50, both over the half followed by SSE, so that the two come from the same approvals. */
  p50GapMs?: number;
  /** Webhook latency of the half followed by SSE: the first term of the gap. */
  webhookOfFollowed?: LatencySummary;
  /** Per approval followed by both: webhook arrival − SSE arrival. */
  pairedGap?: LatencySummary;
  serviceCpuPercent: number;
  /** Webhooks the receiver got during the burst, and the connections the service opened for them. */
  webhooksReceived: number;
  webhookConnections: number;
}

/**
 * A decision burst: `rate` decisions a second for `seconds`, every one followed by webhook and
 * half of them by SSE as well. Each second gets exactly `rate` decisions at random moments within
 * it, so the rate holds in every second, not only on average.
 */
export async function runBurst(ctx: BenchContext, sseAvailable: boolean): Promise<BurstResult> {
  const { burstRate: rate, burstSeconds: seconds, intervalMs } = ctx.options;
  const decisions = Math.round(rate * seconds);
  if (ctx.pending.length < decisions) {
    await createApprovals(ctx, decisions - ctx.pending.length);
    // Let creation's burst spread into the steady rhythm of one poll per approval per interval.
    await sleep(Math.max(2 * intervalMs, 2000));
  }
  const pendingAtStart = ctx.pending.length;
  const burst = takeRandom(ctx, decisions);
  const followed = sseAvailable ? burst.filter((_, i) => i % 2 === 0) : [];
  const clients = new SseClients(ctx.service.url);
  if (followed.length) await clients.connect(followed);

  const processes = [ctx.service, ...ctx.workers];
  const cpu0 = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0);
  const received0 = ctx.receiver.received;
  const connections0 = ctx.receiver.connections;
  const t0 = performance.now();
  const moments = await decideAtRate(ctx, burst, rate);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpu0;

  const waitMs = 3 * intervalMs + 10_000;
  const ids = burst.map((a) => a.id);
  const all = await collectLatencies(ctx, ids, ['detection', 'webhook'], waitMs);
  const sseIds = followed.map((a) => a.id);
  const sse = sseIds.length ? (await collectLatencies({ ...ctx, sse: clients }, sseIds, ['sse'], waitMs)).sse : undefined;
  const webhooksReceived = ctx.receiver.received - received0;
  const webhookConnections = ctx.receiver.connections - connections0;
  clients.closeAll();

  const webhook = all.webhook;
  const webhookOfFollowed = summarize(
    sseIds.filter((id) => ctx.receiver.arrivals.has(id)).map((id) => ctx.receiver.arrivals.get(id)! - ctx.decided.get(id)!),
  );
  const pairedGap = summarize(
    sseIds
      .filter((id) => ctx.receiver.arrivals.has(id) && clients.arrivals.has(id))
      .map((id) => ctx.receiver.arrivals.get(id)! - clients.arrivals.get(id)!),
  );
  const span = (moments[moments.length - 1] - moments[0]) / 1000;
  const perSecond = new Array<number>(Math.max(1, Math.floor(span))).fill(0);
  for (const m of moments) {
    const s = Math.floor((m - moments[0]) / 1000);
    if (s < perSecond.length) perSecond[s] += 1;
  }
  return {
    askedRate: rate,
    seconds,
    decisions: moments.length,
    achievedRate: Math.round(moments.length / Math.max(span, 1e-3)),
    slowestSecond: Math.min(...perSecond),
    pendingAtStart,
    sseFollowed: followed.length,
    ...(webhook && { webhook }),
    ...(sse && { sse }),
    ...(all.detection && { detection: all.detection }),
    ...(webhookOfFollowed && sse?.latency && { p50GapMs: round(webhookOfFollowed.p50 - sse.latency.p50) }),
    ...(webhookOfFollowed && { webhookOfFollowed }),
    ...(pairedGap && { pairedGap }),
    serviceCpuPercent: Math.round((100 * cpu) / elapsed),
    webhooksReceived,
    webhookConnections,
  };
}

/** Decides `approvals` at `rate` a second: second k gets its `rate` decisions at random moments within it. Returns when each was made. */
async function decideAtRate(ctx: BenchContext, approvals: CreatedApproval[], rate: number): Promise<number[]> {
  const moments: number[] = [];
  await Promise.all(
    approvals.map(
      (a, i) =>
        new Promise<void>((resolve) =>
          setTimeout(
            () => {
              const at = performance.now();
              ctx.decided.set(a.id, at);
              ctx.sim.approve(a.id);
              moments.push(at);
              resolve();
            },
            (Math.floor(i / rate) + Math.random()) * 1000,
          ),
        ),
    ),
  );
  return moments.sort((a, b) => a - b);
}
