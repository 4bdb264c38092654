import { resolve } from 'node:path';
import Redis from 'ioredis';
import { RedisScript, defineScript } from '../src/redis/redis-script';
import { ShardMap } from '../src/redis/shard-map';
import { BenchRedis, startSingleRedis, startThreeMasters } from './redis.servers';
import { sleep } from './stats';

/**
 * Redis CPU of the same write-back work on one Redis and split over three masters, without the
 * service: what the `cluster` goal's "3 masters ÷ 1 Redis" ratio owes to the split itself. Each
 * flush writes back `--results` poll results with the service's own script (reschedule-polls-2.lua),
 * all of one flush sent at once, then waits `--gap` ms (the poll tick); four layouts, in turn,
 * `--rounds` times, on Redis servers started as the `cluster` goal starts them:
 * - 1 Redis, one script per flush;
 * - 1 Redis, one script per shard (16 shards' keys, on one server);
 * - 3 masters, one script per master;
 * - 3 masters, one script per shard (16 shards, 5 / 6 / 5 over the masters).
 * Redis CPU is each server's INFO CPU (user + system) over the layout's flushes, summed, per result;
 * "less idle" subtracts each server's CPU with nothing to do (its timers), measured first, over the
 * same time.
 *
 *   npm run build && npx tsc -p tsconfig.bench.json && node dist-bench/bench/redis-split.bench.js --flushes=300 --results=240 --gap=50 --rounds=2
 */
const SHARDS = 16;
/** Approvals per key set: the results rescheduled are taken from these, so every ZSCORE finds its id. */
const IDS = 5000;
/** The service's scripts, read from the sources (this file runs from dist-bench/bench/). */
const POLLING_SCRIPTS = resolve(__dirname, '../../src/polling');

interface Target {
  redis: Redis;
  write: RedisScript<(string | number)[], number>;
  keys: [string, string];
}

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

async function cpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

/** One key set per prefix in `prefixes`, on the server that owns it, filled with IDS due approvals. */
async function targetsOf(servers: BenchRedis, connections: Map<string, Redis>, prefixes: string[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const prefix of prefixes) {
    const keys: [string, string] = [`${prefix}:polls:due`, `${prefix}:polls:failures`];
    const redis = connections.get(servers.ownerOf(keys[0]));
    if (!redis) throw new Error(`no connection to the owner of ${keys[0]}`);
    const members: (string | number)[] = [];
    for (let i = 0; i < IDS; i++) members.push(1e15, `id-${i}`);
    await redis.del(...keys);
    await redis.zadd(keys[0], ...members);
    targets.push({ redis, keys, write: defineScript(redis, POLLING_SCRIPTS, 'reschedule-polls-2.lua') });
  }
  return targets;
}

/** Each server's CPU per millisecond with nothing to do (its timers alone), over `ms`. */
async function idleMicrosPerMs(connections: Redis[], ms: number): Promise<number[]> {
  const before = await Promise.all(connections.map(cpuMicros));
  await sleep(ms);
  const after = await Promise.all(connections.map(cpuMicros));
  return after.map((cpu, i) => (cpu - before[i]) / ms);
}

async function measure(label: string, connections: Redis[], targets: Target[], idle: number[], o: Options): Promise<void> {
  const { flushes, results, gapMs } = o;
  const started = Date.now();
  const before = await Promise.all(connections.map(cpuMicros));
  let next = 0;
  for (let f = 0; f < flushes; f++) {
    const perTarget = results / targets.length;
    await Promise.all(
      targets.map((t) => {
        const args: (string | number)[] = [];
        for (let i = 0; i < perTarget; i++) args.push(`id-${next++ % IDS}`, 1e15, '');
        return t.write(t.keys, ...args);
      }),
    );
    if (gapMs) await sleep(gapMs);
  }
  const after = await Promise.all(connections.map(cpuMicros));
  const elapsedMs = Date.now() - started;
  const each = after.map((cpu, i) => (cpu - before[i]) / (flushes * results));
  const lessIdle = after.map((cpu, i) => (cpu - before[i] - idle[i] * elapsedMs) / (flushes * results));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0).toFixed(2);
  const list = (xs: number[]) => xs.map((m) => m.toFixed(2)).join(' / ');
  console.log(`${label.padEnd(34)} ${sum(each)} µs per result (${list(each)}); less idle ${sum(lessIdle)} (${list(lessIdle)})`);
}

interface Options {
  flushes: number;
  results: number;
  gapMs: number;
}

async function main(): Promise<void> {
  const o: Options = { flushes: option('flushes', 300), results: option('results', 240), gapMs: option('gap', 50) };
  const { flushes, results, gapMs } = o;
  const rounds = option('rounds', 2);
  if (results % SHARDS || results % 3) throw new Error(`--results must divide by ${SHARDS} and by 3`);
  const single = await startSingleRedis();
  const three = await startThreeMasters();
  const connectionsOf = (servers: BenchRedis) => new Map(servers.masterUrls.map((url) => [url, new Redis(url)]));
  const singleConnections = connectionsOf(single);
  const threeConnections = connectionsOf(three);
  try {
    const shards = new ShardMap('split', SHARDS, true);
    const shardPrefixes = shards.all.map((k) => shards.prefixOf(k));
    // One prefix per master: the shards' tags, first of each master's.
    const perMaster = three.masterUrls.map((url) => shardPrefixes.find((p) => three.ownerOf(`${p}:polls:due`) === url) as string);
    const layouts: [string, Map<string, Redis>, Target[]][] = [
      ['1 Redis, one script per flush', singleConnections, await targetsOf(single, singleConnections, ['split'])],
      ['1 Redis, one script per shard', singleConnections, await targetsOf(single, singleConnections, shardPrefixes)],
      ['3 masters, one script per master', threeConnections, await targetsOf(three, threeConnections, perMaster)],
      ['3 masters, one script per shard', threeConnections, await targetsOf(three, threeConnections, shardPrefixes)],
    ];
    console.log(`${flushes} flushes of ${results} results, ${gapMs} ms apart`);
    // Idle CPU over as long as the flushes take (at least 5 s), measured once per server.
    const idleMs = Math.max(5000, flushes * gapMs);
    const [singleIdle, threeIdle] = await Promise.all([
      idleMicrosPerMs([...singleConnections.values()], idleMs),
      idleMicrosPerMs([...threeConnections.values()], idleMs),
    ]);
    const pct = (xs: number[]) => xs.map((x) => `${(x / 10).toFixed(2)} %`).join(' / ');
    console.log(`idle CPU: 1 Redis ${pct(singleIdle)}; 3 masters ${pct(threeIdle)}`);
    for (let r = 0; r < rounds; r++) {
      for (const [label, connections, targets] of layouts) {
        await measure(label, [...connections.values()], targets, connections === singleConnections ? singleIdle : threeIdle, o);
      }
    }
  } finally {
    for (const redis of [...singleConnections.values(), ...threeConnections.values()]) redis.disconnect();
    await single.stop();
    await three.stop();
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
