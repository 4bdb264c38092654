import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import { BenchContext, Channel, ChannelLatency, collectLatencies, decideAtRandomMoments, takeRandom } from '../bench.context';
import { busiestCommands, commandStats, prefixMemory, redisCpuSeconds } from '../redis.memory';
import { round, sleep } from '../stats';
import { createApprovals, CreateResult } from './create.scenario';

export interface StepResult {
  pendingTarget: number;
  intervalMs: number;
  create: CreateResult;
  /** Pending approvals at the start of the window; the sample is decided during it. */
  pendingAtWindow: number;
  expectedPollsPerSecond: number;
  measuredPollsPerSecond: number;
  /** GETs the simulator served in the window, and service CPU (every process) per GET. */
  pollsServed: number;
  cpuMicrosPerPoll: number;
  /** Summed over every service process. */
  serviceCpuPercent: number;
  /** Per service process, the ROLE=all one first, then the workers. */
  processCpuPercent: number[];
  /** Summed over every Redis master. */
  redisCpuPercent: number;
  /**
   * Per Redis master (one on a single Redis): its CPU (INFO CPU, user + system) in the window ÷ the
   * polls served in it, the same as a share of a core, and the run's keys it held at the window.
   */
  masters: {
    cpuMicrosPerPoll: number;
    cpuPercent: number;
    keys: number;
    /** The commands that took the most of its time in the window (INFO commandstats), with their calls. */
    topCommands: { command: string; calls: number; usec: number }[];
  }[];
  /** The bench process itself: the simulator answering every poll, the receiver, the SSE clients. */
  benchCpuPercent: number;
  /** Bytes and keys the step's new pending approvals added (decided ones from earlier steps excluded). */
  redis: { keys: number; bytes: number; created: number; bytesPerPending: number };
  latency: Record<Channel, ChannelLatency | undefined>;
  /** p50 / (interval / 2) and p99 / interval, per channel. */
  floorRatios: Partial<Record<Channel, { p50OverHalfInterval: number; p99OverInterval: number }>>;
  /** The poll rate held (≥ 95 % of one poll per approval per interval). */
  sustained: boolean;
  /** Sustained and every latency target met. */
  keptUp: boolean;
  verdict: string;
}

/**
 * One step: hold `target` pending approvals, measure the poll rate, and decide a sample at random
 * moments. `masters`: a connection to each Redis master the service uses (one on a single Redis).
 */
export async function runStep(ctx: BenchContext, masters: Redis[], target: number, sseAvailable: boolean): Promise<StepResult> {
  const { intervalMs, sample: sampleSize, windowMs } = ctx.options;
  const before = await memoryOf(masters, ctx.prefix);
  const create = await createApprovals(ctx, Math.max(0, target - ctx.pending.length));
  // Let creation's burst spread into the steady rhythm of one poll per approval per interval.
  await sleep(Math.max(2 * intervalMs, 2000));
  const memory = await memoryOf(masters, ctx.prefix);
  const pendingAtWindow = ctx.pending.length;

  const sample = takeRandom(ctx, Math.min(sampleSize, Math.floor(pendingAtWindow / 2)));
  const channels: Channel[] = ['detection', 'webhook', ...(sseAvailable ? (['sse'] as const) : [])];
  if (sseAvailable) await ctx.sse.connect(sample);

  const gets0 = ctx.sim.stats().requests.get;
  const processes = [ctx.service, ...ctx.workers];
  const cpu0 = processes.map((p) => p.cpuSeconds());
  const redisCpu0 = await Promise.all(masters.map(redisCpuSeconds));
  const commands0 = await Promise.all(masters.map(commandStats));
  const benchCpu0 = process.cpuUsage();
  const t0 = performance.now();
  await decideAtRandomMoments(ctx, sample, windowMs);
  const elapsed = (performance.now() - t0) / 1000;
  const gets = ctx.sim.stats().requests.get - gets0;
  const cpuEach = processes.map((p, i) => p.cpuSeconds() - cpu0[i]);
  const cpu = cpuEach.reduce((sum, c) => sum + c, 0);
  const benchCpu = process.cpuUsage(benchCpu0);
  const redisCpuEach = (await Promise.all(masters.map(redisCpuSeconds))).map((c, i) => c - redisCpu0[i]);
  const commands = (await Promise.all(masters.map(commandStats))).map((c, i) => busiestCommands(commands0[i], c, 6));
  const redisCpu = redisCpuEach.reduce((sum, c) => sum + c, 0);

  const latency = await collectLatencies(
    ctx,
    sample.map((a) => a.id),
    channels,
    3 * intervalMs + 10_000,
  );
  const expected = (pendingAtWindow - sample.length / 2) / (intervalMs / 1000);
  const measured = gets / elapsed;
  const floorRatios: StepResult['floorRatios'] = {};
  for (const c of channels) {
    const l = latency[c]?.latency;
    if (l) floorRatios[c] = { p50OverHalfInterval: round(l.p50 / (intervalMs / 2), 2), p99OverInterval: round(l.p99 / intervalMs, 2) };
  }
  const misses = targetMisses(latency, intervalMs);
  const rateOk = measured >= 0.95 * expected;
  if (!rateOk) misses.push(`poll rate ${Math.round(measured)}/s < 95 % of the ${Math.round(expected)}/s asked`);
  return {
    pendingTarget: target,
    intervalMs,
    create,
    pendingAtWindow,
    expectedPollsPerSecond: Math.round(expected),
    measuredPollsPerSecond: Math.round(measured),
    pollsServed: gets,
    cpuMicrosPerPoll: gets ? Math.round((1e6 * cpu) / gets) : 0,
    serviceCpuPercent: Math.round((100 * cpu) / elapsed),
    processCpuPercent: cpuEach.map((c) => Math.round((100 * c) / elapsed)),
    redisCpuPercent: Math.round((100 * redisCpu) / elapsed),
    masters: redisCpuEach.map((c, i) => ({
      cpuMicrosPerPoll: gets ? round((1e6 * c) / gets, 1) : 0,
      cpuPercent: round((100 * c) / elapsed, 1),
      keys: memory.perMaster[i].keys,
      topCommands: commands[i],
    })),
    benchCpuPercent: Math.round((benchCpu.user + benchCpu.system) / 1e4 / elapsed),
    redis: {
      keys: memory.keys - before.keys,
      bytes: memory.bytes - before.bytes,
      created: create.count,
      bytesPerPending: Math.round((memory.bytes - before.bytes) / Math.max(1, create.count)),
    },
    latency,
    floorRatios,
    sustained: rateOk,
    keptUp: misses.length === 0,
    verdict: misses.length ? misses.join('; ') : 'kept up',
  };
}

/** The run's keys and bytes on every master, and summed. */
async function memoryOf(masters: Redis[], prefix: string) {
  const perMaster = await Promise.all(masters.map((m) => prefixMemory(m, prefix)));
  return {
    keys: perMaster.reduce((sum, m) => sum + m.keys, 0),
    bytes: perMaster.reduce((sum, m) => sum + m.bytes, 0),
    perMaster,
  };
}

/** The latency targets: p99 ≤ interval + 250 ms and p50 ≤ interval / 2 + 50 ms, on every channel measured. */
export function targetMisses(latency: Record<Channel, ChannelLatency | undefined>, intervalMs: number): string[] {
  const misses: string[] = [];
  for (const [channel, measured] of Object.entries(latency)) {
    if (!measured) continue;
    const l = measured.latency;
    if (!l) {
      if (channel !== 'webhook' && channel !== 'sse') misses.push(`no ${channel} arrived`);
      continue;
    }
    if (measured.arrived < measured.expected) misses.push(`${channel}: ${measured.note}`);
    if (l.p99 > intervalMs + 250) misses.push(`${channel} p99 ${l.p99} ms > ${intervalMs + 250} ms`);
    if (l.p50 > intervalMs / 2 + 50) misses.push(`${channel} p50 ${l.p50} ms > ${intervalMs / 2 + 50} ms`);
  }
  return misses;
}
