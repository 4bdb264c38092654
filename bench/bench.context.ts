import { performance } from 'node:perf_hooks';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { BenchOptions } from './bench.options';
import { EventStreamWatcher } from './event-stream.watcher';
import { CreatedApproval, ServiceClient } from './service.client';
import { ServiceProcess } from './service.process';
import { SseClients } from './sse.clients';
import { sleep, summarize, LatencySummary, waitUntil } from './stats';
import { WebhookReceiver } from './webhook.receiver';

/** Everything the scenarios share: the service, its upstream, its clients and what was decided when. */
export interface BenchContext {
  options: BenchOptions;
  runId: string;
  prefix: string;
  sim: RecognizeSimulator;
  /** The ROLE=all instance: the API the bench calls, and a poller. */
  service: ServiceProcess;
  /** ROLE=worker processes polling the same due set (`--workers=N`); empty by default. */
  workers: ServiceProcess[];
  client: ServiceClient;
  receiver: WebhookReceiver;
  watcher: EventStreamWatcher;
  sse: SseClients;
  /** Created and not yet decided by the bench. */
  pending: CreatedApproval[];
  /** performance.now() of each decision the bench made. */
  decided: Map<string, number>;
}

export type Channel = 'detection' | 'webhook' | 'sse';

export interface ChannelLatency {
  /** Undefined when nothing arrived on this channel: the reason is in `note`. */
  latency?: LatencySummary;
  arrived: number;
  expected: number;
  note?: string;
  samples: number[];
}

/** Takes `count` approvals out of the pending set, at random. */
export function takeRandom(ctx: BenchContext, count: number): CreatedApproval[] {
  const taken: CreatedApproval[] = [];
  while (taken.length < count && ctx.pending.length) {
    const i = Math.floor(Math.random() * ctx.pending.length);
    taken.push(ctx.pending[i]);
    ctx.pending[i] = ctx.pending[ctx.pending.length - 1];
    ctx.pending.pop();
  }
  return taken;
}

/** The simulated users approve on their phones at uniformly random moments within the window. */
export async function decideAtRandomMoments(ctx: BenchContext, approvals: CreatedApproval[], windowMs: number): Promise<void> {
  await Promise.all(
    approvals.map(
      (a) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            ctx.decided.set(a.id, performance.now());
            ctx.sim.approve(a.id);
            resolve();
          }, Math.random() * windowMs),
        ),
    ),
  );
}

/** Waits for the notifications of `ids` on every channel asked for, then reads decision → arrival. */
export async function collectLatencies(
  ctx: BenchContext,
  ids: string[],
  channels: Channel[],
  waitMs: number,
): Promise<Record<Channel, ChannelLatency | undefined>> {
  const arrivalsOf = (c: Channel) =>
    c === 'detection' ? ctx.watcher.arrivals : c === 'webhook' ? ctx.receiver.arrivals : ctx.sse.arrivals;
  const complete = () => channels.every((c) => ids.every((id) => arrivalsOf(c).has(id)));
  await waitUntil(complete, waitMs, 100);
  // A last short wait lets in-flight deliveries of a channel that is merely slower land.
  if (!complete()) await sleep(500);
  const result: Record<Channel, ChannelLatency | undefined> = { detection: undefined, webhook: undefined, sse: undefined };
  for (const c of channels) {
    const arrivals = arrivalsOf(c);
    const samples = ids.filter((id) => arrivals.has(id) && ctx.decided.has(id)).map((id) => arrivals.get(id)! - ctx.decided.get(id)!);
    result[c] = {
      latency: summarize(samples),
      arrived: samples.length,
      expected: ids.length,
      samples,
      ...(samples.length < ids.length && {
        note: `${ids.length - samples.length} of ${ids.length} did not arrive within ${Math.round(waitMs / 1000)} s`,
      }),
    };
  }
  return result;
}
