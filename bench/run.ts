import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { BenchContext } from './bench.context';
import { BenchOptions, parseOptions } from './bench.options';
import { EventStreamWatcher } from './event-stream.watcher';
import { histogramSvg } from './histogram.svg';
import { ProfileEntry, topSelfTime } from './profile.summary';
import { deletePrefix } from './redis.memory';
import { markdownTable, rows, textTable } from './report';
import { bareGetLoop, BareGetResult, rawBullmqAdd, RawBullmqResult } from './scenarios/baselines.scenario';
import { CreateResult } from './scenarios/create.scenario';
import { DeliveryAvailability, probeDelivery } from './scenarios/delivery.probe';
import { runStep, StepResult } from './scenarios/ladder.scenario';
import { runSseScale, SseScaleResult } from './scenarios/sse-scale.scenario';
import { ServiceClient } from './service.client';
import { ServiceProcess } from './service.process';
import { SseClients } from './sse.clients';
import { round } from './stats';
import { WebhookReceiver } from './webhook.receiver';

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; redis: string; loadAverage: number[] };
  command: string;
  options: BenchOptions;
  bareGet: BareGetResult;
  rawBullmq: RawBullmqResult;
  delivery: { webhook: DeliveryAvailability; sse: DeliveryAvailability };
  create: CreateResult;
  steps: StepResult[];
  sseScale?: SseScaleResult;
  economy: { approvals: number; getsPerApproval: number; idealPerApproval: number; ratio: number; maxConcurrentGetsPerOperation: number; maxInFlightGets: number };
  resources: {
    wallSeconds: number;
    /** Summed over every service process. */
    serviceCpuSeconds: number;
    serviceCpuPercentAtTop: number;
    /** The sum of each service process's own peak. */
    servicePeakRss: number;
    /** Per service process, the ROLE=all one first. */
    processes: { role: string; cpuSeconds: number; cpuPercentAtTop: number; peakRss: number }[];
    redisBytesPerPending: number;
    redisKeys: number;
    redisPending: number;
  };
  profile?: { file: string; top: ProfileEntry[] };
}

const ROOT = resolve(__dirname, '../..');
const SIM_API_KEY = 'bench-recognize-key';
const CLIENT_KEY = `bench-client-${randomBytes(8).toString('hex')}`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = performance.now();
  const runId = randomBytes(4).toString('hex');
  const prefix = `bench-${runId}`;
  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  if (options.writeDocs) mkdirSync(join(ROOT, 'docs'), { recursive: true });
  // Every loop is bounded; this is the last resort if the service under test hangs.
  const watchdog = setTimeout(() => fail(new Error('the benchmark ran past its time limit')), (options.quick ? 3 : 15) * 60_000);
  watchdog.unref();

  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const sim = new RecognizeSimulator({ apiKey: SIM_API_KEY, enrollment: 'open' });
  const receiver = new WebhookReceiver();
  let service: ServiceProcess | undefined;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const fail = (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    void runCleanups(cleanups).finally(() => process.exit(1));
  };

  try {
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    const simUrl = await sim.listen(0, '127.0.0.1');
    cleanups.push(() => sim.close());
    const receiverUrl = await receiver.listen();
    cleanups.push(() => receiver.close());
    cleanups.push(() => deletePrefix(redis, prefix).finally(() => redis.quit()));

    log(`baselines: bare GET loop for ${options.bareSeconds} s, raw BullMQ add of ${options.steps[0]} jobs`);
    const bareGet = await bareGetLoop(ROOT, simUrl, SIM_API_KEY, options.bareConcurrency, options.bareSeconds);
    const rawBullmq = await rawBullmqAdd(options.redisUrl, prefix, options.steps[0], options.createConcurrency, options.intervalMs);
    sim.reset();

    const profileFile = options.cpuProfile ? join(resultsDir, `service-${runId}.cpuprofile`) : undefined;
    const serviceEnv: Record<string, string> = {
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: prefix,
      RECOGNIZE_BASE_URL: simUrl,
      RECOGNIZE_API_KEY: SIM_API_KEY,
      POLL_INTERVAL_MS: String(options.intervalMs),
      APPROVAL_TIMEOUT_S: '3600',
      // One client stands for a whole bank here: its request budget must not be what is measured.
      // The per-user limits keep their defaults; every approval has its own user (see createApprovals).
      RATE_LIMIT_CREATES: '1000000', RATE_LIMIT_REQUESTS: '1000000',
      CLIENTS: JSON.stringify([
        {
          id: 'bench-app',
          apiKey: CLIENT_KEY,
          webhookUrl: `${receiverUrl}/hooks/stepup`,
          webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
          callbackOrigins: [receiverUrl],
        },
      ]),
    };
    service = await ServiceProcess.start({ root: ROOT, logFile: join(resultsDir, 'service.log'), cpuProfileFile: profileFile, env: serviceEnv });
    const svc = service;
    cleanups.push(() => svc.stop());
    // Scaling out as operators do: more pollers on the same Redis prefix, sharing the due set through the claim.
    const workers: ServiceProcess[] = [];
    for (let i = 1; i <= options.workers; i += 1) {
      log(`worker ${i}: ROLE=worker on the same Redis prefix`);
      const worker = await ServiceProcess.start({ root: ROOT, logFile: join(resultsDir, `service-worker-${i}.log`), env: { ...serviceEnv, ROLE: 'worker' } });
      workers.push(worker);
      cleanups.push(() => worker.stop());
    }
    const watcher = new EventStreamWatcher(options.redisUrl, `${prefix}:events`);
    watcher.start();
    cleanups.push(() => watcher.stop());
    const client = new ServiceClient(service.url, CLIENT_KEY, options.createConcurrency);
    cleanups.push(() => client.close());
    const sse = new SseClients(service.url);
    cleanups.push(() => sse.closeAll());
    const ctx: BenchContext = { options, runId, prefix, sim, service, workers, client, receiver, watcher, sse, pending: [], decided: new Map() };

    log('probe: one approval end to end');
    const delivery = await probeDelivery(ctx);
    log(`webhooks ${delivery.webhook.available ? 'delivered' : `not measured (${delivery.webhook.reason})`}; SSE ${delivery.sse.available ? 'delivered' : `not measured (${delivery.sse.reason})`}`);

    const steps: StepResult[] = [];
    for (const target of options.steps) {
      log(`step: ${target} pending approvals at ${options.intervalMs} ms`);
      ctx.sse = new SseClients(service.url);
      const step = await runStep(ctx, redis, target, delivery.sse.available);
      ctx.sse.closeAll();
      steps.push(step);
      log(`  created ${step.create.perSecond}/s, polls ${step.measuredPollsPerSecond}/s of ${step.expectedPollsPerSecond}/s, CPU ${step.serviceCpuPercent} %${workers.length ? ` (${step.processCpuPercent.join(' + ')})` : ''}, Redis ${step.redisCpuPercent} %, bench ${step.benchCpuPercent} %: ${step.verdict}`);
      // Past the rate one instance can hold, larger steps only measure the same saturation more slowly.
      if (!step.sustained) break;
    }

    let sseScale: SseScaleResult | undefined;
    if (delivery.sse.available) {
      log(`SSE scale: ${Math.min(options.sseConnections, ctx.pending.length)} streams`);
      sseScale = await runSseScale(ctx, delivery.webhook.available);
    }

    let profile: BenchResults['profile'];
    if (profileFile) {
      await service.writeProfile();
      profile = { file: profileFile, top: topSelfTime(profileFile) };
    }
    const top = steps.filter((s) => s.keptUp).at(-1) ?? steps[steps.length - 1];
    const processes = [service, ...workers].map((p, i) => ({ role: p.role, cpuSeconds: round(p.cpuSeconds(), 2), cpuPercentAtTop: top.processCpuPercent[i], peakRss: p.memory().peakRss }));
    const resources = {
      wallSeconds: round((performance.now() - started) / 1000),
      serviceCpuSeconds: round(processes.reduce((sum, p) => sum + p.cpuSeconds, 0), 2),
      serviceCpuPercentAtTop: top.serviceCpuPercent,
      servicePeakRss: processes.reduce((sum, p) => sum + p.peakRss, 0),
      processes,
      redisBytesPerPending: top.redis.bytesPerPending,
      redisKeys: top.redis.keys,
      redisPending: top.redis.created,
    };
    const results: BenchResults = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, redis: redisVersion, loadAverage: loadavg() },
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      options,
      bareGet,
      rawBullmq,
      delivery,
      create: steps[0].create,
      steps,
      ...(sseScale && { sseScale }),
      economy: economy(ctx),
      resources,
      ...(profile && { profile }),
    };
    await runCleanups(cleanups);
    report(results, resultsDir);
  } catch (err) {
    fail(err as Error);
    return;
  }
  clearTimeout(watchdog);
}

/** GETs per decided approval against one poll per interval of its life plus the one that saw the decision. */
function economy(ctx: BenchContext): BenchResults['economy'] {
  const stats = ctx.sim.stats();
  let gets = 0;
  let ideal = 0;
  let approvals = 0;
  for (const id of ctx.decided.keys()) {
    const op = ctx.sim.operation(id);
    if (!op?.decidedAt || !stats.getsByOperation[id]) continue;
    approvals += 1;
    gets += stats.getsByOperation[id];
    ideal += Math.floor((op.decidedAt - op.createdAt) / ctx.options.intervalMs) + 1;
  }
  return {
    approvals,
    getsPerApproval: round(gets / Math.max(1, approvals), 2),
    idealPerApproval: round(ideal / Math.max(1, approvals), 2),
    ratio: round(gets / Math.max(1, ideal), 2),
    maxConcurrentGetsPerOperation: stats.maxConcurrentGets,
    maxInFlightGets: stats.maxInFlightGets,
  };
}

function report(results: BenchResults, dir: string): void {
  const table = rows(results);
  process.stdout.write(`\n${textTable(table)}\n\n`);
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const strip = (k: string, v: unknown) => (k === 'samples' ? undefined : v);
  writeFileSync(join(dir, `bench-${stamp}.json`), `${JSON.stringify(results, strip, 2)}\n`);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, strip, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), `${markdownTable(table)}\n`);
  // The histogram shows the largest step the service held; a saturated step's tail says only "saturated".
  const top = results.steps.filter((s) => s.keptUp).at(-1) ?? results.steps.filter((s) => s.sustained).at(-1) ?? results.steps[0];
  const series = [
    { name: 'terminal event stored (detection)', color: '#1f77b4', samples: top.latency.detection?.samples ?? [] },
    { name: 'webhook at receiver', color: '#d62728', samples: top.latency.webhook?.samples ?? [] },
    { name: 'SSE event at client', color: '#2ca02c', samples: top.latency.sse?.samples ?? [] },
  ].filter((s) => s.samples.length);
  const svg = histogramSvg(series, `Notification latency, ${top.pendingAtWindow} pending approvals, poll interval ${results.options.intervalMs} ms`, results.options.intervalMs);
  writeFileSync(join(dir, 'latency.svg'), svg);
  if (results.options.writeDocs) writeFileSync(join(ROOT, 'docs/benchmark-latency.svg'), svg);
  log(`results: ${join(dir, 'latest.json')}${results.options.writeDocs ? ', docs/benchmark-latency.svg' : ''}`);
}

/** Last in, first out, one at a time: the service must be stopped before its Redis prefix is deleted. */
async function runCleanups(cleanups: (() => Promise<unknown> | void)[]): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
    }
  }
}

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

void main();
