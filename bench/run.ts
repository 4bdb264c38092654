import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { BenchContext } from './bench.context';
import { BenchOptions, Goal, parseOptions } from './bench.options';
import { EventStreamWatcher } from './event-stream.watcher';
import { topSelfTime } from './profile.summary';
import { deletePrefix } from './redis.memory';
import type { BenchResults } from './bench.results';
import { writeResults } from './results.writer';
import { bareGetLoop, BareGetResult, rawBullmqAdd, RawBullmqResult } from './scenarios/baselines.scenario';
import { BurstResult, runBurst } from './scenarios/burst.scenario';
import { ClusterResult, runClusterComparison } from './scenarios/cluster.scenario';
import { SignaturesResult, runSignatures } from './scenarios/signature.scenario';
import { CreatesGoalResult, measureCreates } from './scenarios/create.scenario';
import { probeDelivery } from './scenarios/delivery.probe';
import { runStep, StepResult } from './scenarios/ladder.scenario';
import { runSseScale, SseScaleResult } from './scenarios/sse-scale.scenario';
import { ServiceClient } from './service.client';
import { ServiceProcess } from './service.process';
import { SseClients } from './sse.clients';
import { round } from './stats';
import { WebhookReceiver } from './webhook.receiver';

const ROOT = resolve(__dirname, '../..');
const SIM_API_KEY = 'bench-recognize-key';
const CLIENT_KEY = `bench-client-${randomBytes(8).toString('hex')}`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const wants = (g: Goal) => options.goals.includes(g);
  const started = performance.now();
  const runId = randomBytes(4).toString('hex');
  const prefix = `bench-${runId}`;
  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  // Every loop is bounded; this is the last resort if the service under test hangs.
  const watchdog = setTimeout(() => fail(new Error('the benchmark ran past its time limit')), (options.quick ? 3 : 25) * 60_000);
  watchdog.unref();

  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const sim = new RecognizeSimulator({ apiKey: SIM_API_KEY, enrollment: 'open' });
  const receiver = new WebhookReceiver();
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

    // First, while no other service process polls the simulator: the comparison runs its own.
    let cluster: ClusterResult | undefined;
    if (wants('cluster')) {
      cluster = await runClusterComparison(
        {
          options,
          runId,
          sim,
          receiver,
          clientKey: CLIENT_KEY,
          resultsDir,
          root: ROOT,
          serviceEnv: (p) => serviceEnvironment(options, p, simUrl, receiverUrl, sim.jwksUrl()),
          runCleanups: cleanups,
        },
        log,
      );
      log(
        `  Redis CPU per poll: busiest ÷ least busy master ${cluster.busiestOverLeastBusy} (≤ 1.3), 3 masters ÷ 1 Redis ${cluster.clusterOverSingle} (≤ 1.15): ${cluster.met ? 'met' : 'missed'}`,
      );
      sim.reset();
    }

    let bareGet: BareGetResult | undefined;
    if (wants('poll10k') || wants('poll20k')) {
      log(`baseline: bare undici GET loop for ${options.bareSeconds} s`);
      bareGet = await bareGetLoop(ROOT, simUrl, SIM_API_KEY, options.bareConcurrency, options.bareSeconds);
    }
    let rawBullmq: RawBullmqResult | undefined;
    if (wants('creates')) {
      log(`baseline: raw BullMQ add() of ${options.creates} jobs`);
      rawBullmq = await rawBullmqAdd(options.redisUrl, prefix, options.creates, options.createConcurrency, options.intervalMs);
    }
    sim.reset();

    const profileFile = options.cpuProfile ? join(resultsDir, `service-${runId}.cpuprofile`) : undefined;
    const serviceEnv = serviceEnvironment(options, prefix, simUrl, receiverUrl, sim.jwksUrl());
    const service = await ServiceProcess.start({
      root: ROOT,
      logFile: join(resultsDir, 'service.log'),
      cpuProfileFile: profileFile,
      env: serviceEnv,
    });
    cleanups.push(() => service.stop());
    const watcher = new EventStreamWatcher([{ redisUrl: options.redisUrl, key: `${prefix}:events` }]);
    watcher.start();
    cleanups.push(() => watcher.stop());
    const client = new ServiceClient(service.url, CLIENT_KEY, options.createConcurrency);
    cleanups.push(() => client.close());
    const sse = new SseClients(service.url);
    cleanups.push(() => sse.closeAll());
    const ctx: BenchContext = {
      options,
      runId,
      prefix,
      sim,
      service,
      workers: [],
      client,
      receiver,
      watcher,
      sse,
      pending: [],
      decided: new Map(),
    };

    log('probe: one approval end to end');
    const delivery = await probeDelivery(ctx);
    log(
      `webhooks ${delivery.webhook.available ? 'delivered' : `not measured (${delivery.webhook.reason})`}; SSE ${delivery.sse.available ? 'delivered' : `not measured (${delivery.sse.reason})`}`,
    );

    let create: CreatesGoalResult | undefined;
    if (wants('creates')) {
      log(`creates: ${options.creates} approvals by ${options.createConcurrency} callers, after as many on the process just started`);
      create = await measureCreates(ctx, options.creates);
      log(
        `  ${create.perSecond}/s, p50 ${create.latency?.p50} ms, p99 ${create.latency?.p99} ms, ${create.cpuMicrosPerCreate} µs CPU each (first after start: ${create.afterStart.perSecond}/s, ${create.afterStart.cpuMicrosPerCreate} µs)`,
      );
    }
    let burst: BurstResult | undefined;
    if (wants('burst')) {
      log(`burst: ${options.burstRate} decisions/s for ${options.burstSeconds} s, all followed by webhook, half by SSE`);
      burst = await runBurst(ctx, delivery.sse.available);
      log(
        `  ${burst.achievedRate}/s; webhook p50 ${burst.webhook?.latency?.p50} ms, SSE p50 ${burst.sse?.latency?.p50} ms, gap ${burst.p50GapMs} ms`,
      );
    }
    let signatures: SignaturesResult | undefined;
    if (wants('signatures')) {
      log(`signatures: ${options.signatureRate} signed JWTs/s for ${options.signatureSeconds} s, all followed by webhook, half by SSE`);
      signatures = await runSignatures(ctx, delivery.sse.available);
      log(
        `  ${signatures.achievedRate}/s, ${signatures.approved} of ${signatures.sent} approved; webhook p50 ${signatures.webhook?.latency?.p50} ms, SSE p50 ${signatures.sse?.latency?.p50} ms`,
      );
    }
    const steps: StepResult[] = [];
    if (wants('poll10k')) {
      for (const target of options.steps) steps.push(await step(ctx, redis, target, delivery.sse.available, 'one process'));
    }
    let scaled: StepResult | undefined;
    if (wants('poll20k')) {
      // Scaling out as operators do: more pollers on the same Redis prefix, sharing the due set through the claim.
      for (let i = 1; i <= options.workers; i += 1) {
        log(`worker ${i}: ROLE=worker on the same Redis prefix`);
        const worker = await ServiceProcess.start({
          root: ROOT,
          logFile: join(resultsDir, `service-worker-${i}.log`),
          env: { ...serviceEnv, ROLE: 'worker' },
        });
        ctx.workers.push(worker);
        cleanups.push(() => worker.stop());
      }
      scaled = await step(ctx, redis, options.scaled, delivery.sse.available, `${1 + options.workers} processes`);
    }
    let sseScale: SseScaleResult | undefined;
    if (wants('sse')) {
      if (delivery.sse.available) {
        log(`SSE scale: ${options.sseConnections} streams`);
        sseScale = await runSseScale(ctx, delivery.webhook.available);
        log(`  ${sseScale.open} open, ${Math.round(sseScale.bytesPerConnection / 102.4) / 10} KB each`);
      } else log(`SSE scale: not measured (${delivery.sse.reason})`);
    }

    let profile: BenchResults['profile'];
    if (profileFile) {
      await service.writeProfile();
      profile = { file: profileFile, top: topSelfTime(profileFile) };
    }
    const processes = [service, ...ctx.workers].map((p) => ({
      role: p.role,
      cpuSeconds: round(p.cpuSeconds(), 2),
      peakRss: p.memory().peakRss,
    }));
    const results: BenchResults = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        redis: redisVersion,
        loadAverage: loadavg(),
      },
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      options,
      ...(cluster && { cluster }),
      ...(bareGet && { bareGet }),
      ...(rawBullmq && { rawBullmq }),
      delivery,
      ...(create && { create }),
      ...(burst && { burst }),
      ...(signatures && { signatures }),
      steps,
      ...(scaled && { scaled }),
      ...(sseScale && { sseScale }),
      economy: economy(ctx),
      resources: {
        wallSeconds: round((performance.now() - started) / 1000),
        serviceCpuSeconds: round(
          processes.reduce((sum, p) => sum + p.cpuSeconds, 0),
          2,
        ),
        servicePeakRss: processes.reduce((sum, p) => sum + p.peakRss, 0),
        processes,
      },
      ...(profile && { profile }),
    };
    await runCleanups(cleanups);
    writeResults(results, resultsDir, ROOT);
  } catch (err) {
    fail(err as Error);
    return;
  }
  clearTimeout(watchdog);
}

async function step(ctx: BenchContext, redis: Redis, target: number, sseAvailable: boolean, layout: string): Promise<StepResult> {
  log(`step: ${target} pending approvals at ${ctx.options.intervalMs} ms, ${layout}`);
  ctx.sse = new SseClients(ctx.service.url);
  const s = await runStep(ctx, [redis], target, sseAvailable);
  ctx.sse.closeAll();
  const each = ctx.workers.length ? ` (${s.processCpuPercent.join(' + ')})` : '';
  log(
    `  created ${s.create.perSecond}/s, polls ${s.measuredPollsPerSecond}/s of ${s.expectedPollsPerSecond}/s, CPU ${s.serviceCpuPercent} %${each}, ${s.cpuMicrosPerPoll} µs/poll, Redis ${s.redisCpuPercent} %, bench ${s.benchCpuPercent} %: ${s.verdict}`,
  );
  return s;
}

/**
 * The service as deployed, except NODE_ENV: production refuses plain-http and loopback webhook
 * targets, and the receiver here is both. The settings production would change are set by hand.
 */
function serviceEnvironment(
  options: BenchOptions,
  prefix: string,
  simUrl: string,
  receiverUrl: string,
  jwksUrl: string,
): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DEMO_ENABLED: 'false',
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: prefix,
    RECOGNIZE_BASE_URL: simUrl,
    RECOGNIZE_API_KEY: SIM_API_KEY,
    // The simulator's transaction-JWT key set, as Recognize publishes it: the signatures goal verifies with it.
    RECOGNIZE_JWKS_URL: jwksUrl,
    POLL_INTERVAL_MS: String(options.intervalMs),
    APPROVAL_TIMEOUT_S: '3600',
    // One client stands for a whole bank here: its request budget must not be what is measured.
    // The per-user limits keep their defaults; every approval has its own user (see createApprovals).
    RATE_LIMIT_CREATES: '1000000',
    RATE_LIMIT_REQUESTS: '1000000',
    // The sse goal holds 10,000 streams for this one client: above its default share of held requests
    // (a quarter of HTTP_MAX_CONNECTIONS), below the process's cap.
    CLIENT_MAX_HELD_REQUESTS: '12000',
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
