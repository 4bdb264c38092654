import Redis from 'ioredis';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RedisKeys } from '../../src/redis/redis.keys';
import { ShardMap } from '../../src/redis/shard-map';
import { RecognizeSimulator } from '../../simulator/recognize.simulator';
import { BenchContext } from '../bench.context';
import { BenchOptions } from '../bench.options';
import { EventStreamWatcher } from '../event-stream.watcher';
import { redisCpuSeconds } from '../redis.memory';
import { BenchRedis, startSingleRedis, startThreeMasters } from '../redis.servers';
import { ServiceClient } from '../service.client';
import { ServiceProcess } from '../service.process';
import { SseClients } from '../sse.clients';
import { round, sleep } from '../stats';
import { WebhookReceiver } from '../webhook.receiver';
import { probeDelivery } from './delivery.probe';
import { runStep, StepResult } from './ladder.scenario';

/** The one client of the bench's service (run.ts, CLIENTS). */
const BENCH_CLIENT_ID = 'bench-app';

/** The service's shard count on a cluster (REDIS_SHARDS's default there); one Redis keeps one. */
const CLUSTER_SHARDS = 16;

export interface ClusterGoalSetup {
  options: BenchOptions;
  runId: string;
  sim: RecognizeSimulator;
  receiver: WebhookReceiver;
  clientKey: string;
  resultsDir: string;
  root: string;
  /** The service's environment for a key prefix, before the layout's Redis settings. */
  serviceEnv(prefix: string): Record<string, string>;
  /** The run's own cleanups, which a failed run also runs: each layout's Redis servers are stopped there too. */
  runCleanups: (() => Promise<unknown> | void)[];
}

export interface LayoutResult {
  label: string;
  shards: number;
  /** Shards (hash tags) held by each master, in the order of `step.masters`. */
  shardsPerMaster: number[];
  /**
   * Each master's Redis CPU (% of a core) with the service running and nothing pending: what the
   * service's standing work (blocking reads, per-shard timers) and the cluster's own upkeep cost.
   */
  idleCpuPercent: number[];
  /** Each master's Redis CPU per poll less its idle share: the cost a further poll adds. */
  netMicrosPerPoll: number[];
  /**
   * Index (in `step.masters`) of the master holding the slot the unsharded BullMQ queues share
   * (`{<prefix>}`: the poll tick, maintenance), and of the one holding the client's limits
   * (`{<prefix>:c:<client>}`).
   */
  bullmqMaster: number;
  clientMaster: number;
  step: StepResult;
}

export interface ClusterResult {
  pending: number;
  single: LayoutResult;
  cluster: LayoutResult;
  /** The cluster's busiest master's Redis CPU per poll ÷ the least busy one's: target ≤ 1.3. */
  busiestOverLeastBusy: number;
  /** The busiest master's Redis CPU per poll ÷ the masters' mean: the spread the sizing allows for. */
  busiestOverMean: number;
  /** The cluster's Redis CPU per poll, summed over its masters, ÷ the single Redis's: target ≤ 1.15. */
  clusterOverSingle: number;
  /** Both targets met. */
  met: boolean;
  sizing: Sizing;
}

/** What the figures of the cluster layout say about larger deployments, polled every second. */
export interface Sizing {
  /** Pending approvals one master holds at 1 s before its Redis CPU reaches one core. */
  pendingPerMaster: number;
  /** Pending approvals one service process holds at 1 s before it uses one core. */
  pendingPerProcess: number;
  rows: { pending: number; masters: number; processes: number; recognizeGetsPerSecond: number }[];
}

/**
 * The same load — `--cluster-pending` approvals polled every interval by one ROLE=all process — on one
 * Redis, then on a cluster of three masters, each started by the bench on free loopback ports: Redis
 * CPU per poll on each master, keys per master, and the poll rate and latency of a ladder step. Runs
 * before anything else of the bench, so that no other service process polls the simulator meanwhile.
 */
export async function runClusterComparison(setup: ClusterGoalSetup, log: (message: string) => void): Promise<ClusterResult> {
  const pending = setup.options.clusterPending;
  log(`cluster: ${pending} pending approvals at ${setup.options.intervalMs} ms on one Redis`);
  const single = await measureLayout(setup, startSingleRedis, 1, 'single', log);
  log(`cluster: the same on three masters, REDIS_SHARDS=${CLUSTER_SHARDS}`);
  const cluster = await measureLayout(setup, startThreeMasters, CLUSTER_SHARDS, 'cluster', log);

  const perMaster = cluster.step.masters.map((m) => m.cpuMicrosPerPoll);
  const clusterPerPoll = perMaster.reduce((sum, c) => sum + c, 0);
  const singlePerPoll = single.step.masters[0].cpuMicrosPerPoll;
  const busiest = Math.max(...perMaster);
  const busiestOverLeastBusy = busiest / Math.max(0.01, Math.min(...perMaster));
  const clusterOverSingle = clusterPerPoll / Math.max(0.01, singlePerPoll);
  const busiestOverMean = busiest / Math.max(0.01, clusterPerPoll / perMaster.length);
  return {
    pending,
    single,
    cluster,
    busiestOverLeastBusy: round(busiestOverLeastBusy, 2),
    busiestOverMean: round(busiestOverMean, 2),
    clusterOverSingle: round(clusterOverSingle, 2),
    met: busiestOverLeastBusy <= 1.3 && clusterOverSingle <= 1.15,
    sizing: sizing(clusterPerPoll, busiestOverMean, cluster.step.cpuMicrosPerPoll),
  };
}

/**
 * A poll's Redis work falls on the master of its approval's shard, so one master polls at 1 s as many
 * approvals as one core of CPU covers at the cluster's summed cost per poll; masters are added at the
 * spread measured (the busiest master saturates first). A service process likewise at one core.
 */
function sizing(redisMicrosPerPoll: number, busiestOverMean: number, serviceMicrosPerPoll: number): Sizing {
  const pendingPerMaster = Math.floor(1e6 / Math.max(0.01, redisMicrosPerPoll));
  const pendingPerProcess = Math.floor(1e6 / Math.max(1, serviceMicrosPerPoll));
  return {
    pendingPerMaster,
    pendingPerProcess,
    rows: [10_000, 100_000, 1_000_000].map((n) => ({
      pending: n,
      masters: Math.ceil((n * busiestOverMean) / pendingPerMaster),
      processes: Math.ceil(n / pendingPerProcess),
      recognizeGetsPerSecond: n,
    })),
  };
}

/** Each master's Redis CPU, as % of a core, over `ms` of the service running with nothing pending. */
async function idleCpu(masters: Redis[], ms: number): Promise<number[]> {
  const before = await Promise.all(masters.map(redisCpuSeconds));
  const t0 = performance.now();
  await sleep(ms);
  const after = await Promise.all(masters.map(redisCpuSeconds));
  const seconds = (performance.now() - t0) / 1000;
  return after.map((c, i) => round((100 * (c - before[i])) / seconds, 1));
}

/** One layout: its Redis, a service process of its own on a fresh prefix, a probe, then one ladder step. */
async function measureLayout(
  setup: ClusterGoalSetup,
  start: () => Promise<BenchRedis>,
  shards: number,
  tag: string,
  log: (message: string) => void,
): Promise<LayoutResult> {
  const { options, runId, sim, receiver } = setup;
  const prefix = `bench-${runId}-${tag}`;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  try {
    const redis = await start();
    cleanups.push(() => redis.stop());
    // Stopping twice is harmless: this one is for a run that fails or times out on the way.
    setup.runCleanups.push(() => redis.stop());
    const keys = new RedisKeys(prefix, new ShardMap(prefix, shards, shards > 1));
    const streams = keys.shards.all.map((k) => ({ redisUrl: redis.ownerOf(keys.eventStream(k)), key: keys.eventStream(k) }));
    const service = await ServiceProcess.start({
      root: setup.root,
      logFile: join(setup.resultsDir, `service-cluster-${tag}.log`),
      env: {
        ...setup.serviceEnv(prefix),
        ...redis.serviceEnv,
        REDIS_SHARDS: String(shards),
        // No replica to wait for: the masters stand alone, here as on the single Redis.
        REDIS_REPLICA_WAIT_MS: '0',
      },
    });
    cleanups.push(() => service.stop());
    const watcher = new EventStreamWatcher(streams);
    watcher.start();
    cleanups.push(() => watcher.stop());
    const client = new ServiceClient(service.url, setup.clientKey, options.createConcurrency);
    cleanups.push(() => client.close());
    const masters = redis.masterUrls.map((url) => new Redis(url, { maxRetriesPerRequest: 2 }));
    cleanups.push(() => Promise.all(masters.map((m) => m.quit())));
    const ctx: BenchContext = {
      options,
      runId: `${runId}-${tag}`,
      prefix,
      sim,
      service,
      workers: [],
      client,
      receiver,
      watcher,
      sse: new SseClients(service.url),
      pending: [],
      decided: new Map(),
    };
    const delivery = await probeDelivery(ctx);
    const idleCpuPercent = await idleCpu(masters, Math.min(options.windowMs, 5000));
    ctx.sse = new SseClients(service.url);
    const step = await runStep(ctx, masters, options.clusterPending, delivery.sse.available);
    ctx.sse.closeAll();
    const pollsPerSecond = Math.max(1, step.measuredPollsPerSecond);
    const netMicrosPerPoll = step.masters.map((m, i) => round(((m.cpuPercent - idleCpuPercent[i]) / 100) * (1e6 / pollsPerSecond), 1));
    const shardsPerMaster = redis.masterUrls.map((url) => streams.filter((s) => s.redisUrl === url).length);
    log(
      `  ${redis.label}: polls ${step.measuredPollsPerSecond}/s of ${step.expectedPollsPerSecond}/s, service ${step.cpuMicrosPerPoll} µs/poll; Redis µs/poll per master ${step.masters.map((m) => m.cpuMicrosPerPoll).join(' / ')} (idle ${idleCpuPercent.join(' / ')} % CPU); top commands ${step.masters.map((m) => m.topCommands.map((c) => `${c.command} ${c.calls}`).join(', ')).join(' | ')}; keys ${step.masters.map((m) => m.keys).join(' / ')}; shards ${shardsPerMaster.join(' / ')}: ${step.verdict}`,
    );
    const masterOf = (key: string) => redis.masterUrls.indexOf(redis.ownerOf(key));
    return {
      label: redis.label,
      shards,
      shardsPerMaster,
      idleCpuPercent,
      netMicrosPerPoll,
      bullmqMaster: masterOf(`{${prefix}}`),
      clientMaster: masterOf(`{${prefix}:c:${BENCH_CLIENT_ID}}`),
      step,
    };
  } finally {
    // Last in, first out: the service stops before its Redis does.
    while (cleanups.length) {
      await Promise.resolve()
        .then(cleanups.pop())
        .catch((err: Error) => process.stderr.write(`cleanup failed: ${err.message}\n`));
    }
  }
}
