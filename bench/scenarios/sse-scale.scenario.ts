import { performance } from 'node:perf_hooks';
import { BenchContext, Channel, ChannelLatency, collectLatencies, decideAtRandomMoments, takeRandom } from '../bench.context';
import { LatencySummary, round, sleep, summarize } from '../stats';
import { SseClients } from '../sse.clients';
import { createApprovals } from './create.scenario';

export interface SseScaleResult {
  asked: number;
  open: number;
  failed: number;
  lastFailure?: string;
  connectSeconds: number;
  serviceRssBefore: number;
  serviceRssAfter: number;
  bytesPerConnection: number;
  fanOut: Record<Channel, ChannelLatency | undefined>;
  /** Terminal event stored in Redis → SSE event at the client: the hub's own share, without the poll wait. */
  hubDelay?: LatencySummary;
}

/** Holds one stream per pending approval (up to the target), reads the memory they cost, then decides a sample among them. */
export async function runSseScale(ctx: BenchContext, webhooks: boolean): Promise<SseScaleResult> {
  const { sseConnections, sample: sampleSize, windowMs, intervalMs } = ctx.options;
  if (ctx.pending.length < sseConnections) {
    await createApprovals(ctx, sseConnections - ctx.pending.length);
    await sleep(Math.max(2 * intervalMs, 2000));
  }
  const followed = ctx.pending.slice(0, sseConnections);
  const clients = new SseClients(ctx.service.url);
  const before = ctx.service.memory().rss;
  const t0 = performance.now();
  await clients.connect(followed, 200);
  const connectSeconds = (performance.now() - t0) / 1000;
  // Give the service a moment to settle the buffers of the last handshakes before reading RSS.
  await sleep(2000);
  const after = ctx.service.memory().rss;

  const open = clients.open;

  const sample = takeRandom({ ...ctx, pending: [...followed] }, Math.min(sampleSize, Math.floor(followed.length / 2)));
  const sampled = new Set(sample.map((a) => a.id));
  ctx.pending = ctx.pending.filter((a) => !sampled.has(a.id));
  const channels: Channel[] = ['detection', 'sse', ...(webhooks ? (['webhook'] as const) : [])];
  const ids = sample.map((a) => a.id);
  const scaleCtx = { ...ctx, sse: clients };
  await decideAtRandomMoments(scaleCtx, sample, windowMs);
  const fanOut = await collectLatencies(scaleCtx, ids, channels, 3 * intervalMs + 10_000);
  clients.closeAll();
  const stored = ctx.watcher.arrivals;
  const hubDelay = summarize(
    ids.filter((id) => stored.has(id) && clients.arrivals.has(id)).map((id) => clients.arrivals.get(id)! - stored.get(id)!),
  );
  return {
    ...(hubDelay && { hubDelay }),
    asked: followed.length,
    open,
    failed: clients.failed,
    ...(clients.lastFailure && { lastFailure: clients.lastFailure }),
    connectSeconds: round(connectSeconds, 2),
    serviceRssBefore: before,
    serviceRssAfter: after,
    bytesPerConnection: open > 0 ? Math.round((after - before) / open) : 0,
    fanOut,
  };
}
