/** The goals of the benchmark, run in this order; `--goals=` picks a subset. */
export const GOALS = ['cluster', 'creates', 'burst', 'signatures', 'poll10k', 'poll20k', 'sse'] as const;
export type Goal = (typeof GOALS)[number];

export interface BenchOptions {
  quick: boolean;
  goals: Goal[];
  redisUrl: string;
  intervalMs: number;
  /** Approvals created by 50 callers for the creates goal (the raw BullMQ baseline adds as many jobs). */
  creates: number;
  /** Pending approvals held by one process on one Redis, then on three masters (the cluster goal). */
  clusterPending: number;
  /** Pending approvals held at each step on one process; the last one is the poll10k goal. */
  steps: number[];
  /** Pending approvals held with the ROLE=worker processes beside the ROLE=all one (the poll20k goal). */
  scaled: number;
  createConcurrency: number;
  /** Approvals decided at random moments in each measurement window. */
  sample: number;
  windowMs: number;
  /** The decision burst: decisions per second, for this many seconds; half of them followed by SSE. */
  burstRate: number;
  burstSeconds: number;
  /** The push-free path: signed transaction JWTs POSTed per second, for this many seconds; half followed by SSE. */
  signatureRate: number;
  signatureSeconds: number;
  /** SSE connections held open in the SSE scale phase. */
  sseConnections: number;
  bareSeconds: number;
  bareConcurrency: number;
  cpuProfile: boolean;
  /** ROLE=worker service processes started beside the ROLE=all one for the poll20k goal. */
  workers: number;
  /** Write the committed figures (docs/benchmark-latency.svg); off for --quick so CI leaves the tree clean. */
  writeDocs: boolean;
}

/**
 * `npm run bench -- [--quick] [--goals=cluster,creates,burst,signatures,poll10k,poll20k,sse] [--cluster-pending=5000] [--steps=2000,10000] [--scaled=20000]
 * [--creates=2000] [--burst-rate=200] [--burst-seconds=10] [--signature-rate=200] [--signature-seconds=10] [--interval=1000] [--sse=10000] [--sample=300]
 * [--window=8000] [--workers=1] [--cpu-prof] [--no-docs]`
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const number = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const workers = Number(value('workers') ?? 1);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error('--workers must be a whole number, 1 or more (the poll20k goal runs with them)');
  const quick = flag('quick');
  const goals = (value('goals')
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean) ?? [...GOALS]) as Goal[];
  const unknown = goals.filter((g) => !GOALS.includes(g));
  if (unknown.length || !goals.length)
    throw new Error(`--goals must list some of ${GOALS.join(', ')} (got ${unknown.join(', ') || 'none'})`);
  const steps = value('steps')?.split(',').map(Number) ?? (quick ? [200] : [2000, 10_000]);
  if (steps.some((n, i) => !Number.isInteger(n) || n <= 0 || (i > 0 && n <= steps[i - 1])))
    throw new Error('--steps must be increasing positive integers');
  return {
    quick,
    goals: GOALS.filter((g) => goals.includes(g)),
    // The one environment variable the bench honours, so that CI's Redis is the one measured.
    redisUrl: value('redis') ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    intervalMs: number('interval', quick ? 500 : 1000),
    creates: number('creates', quick ? 200 : 2000),
    // About half of what one process polled at 1 s here, so that the service is not what limits the comparison.
    clusterPending: number('cluster-pending', quick ? 200 : 5000),
    steps,
    scaled: number('scaled', quick ? 400 : 20_000),
    createConcurrency: 50,
    sample: number('sample', quick ? 60 : 300),
    windowMs: number('window', quick ? 2000 : 8000),
    burstRate: number('burst-rate', quick ? 20 : 200),
    burstSeconds: number('burst-seconds', quick ? 3 : 10),
    signatureRate: number('signature-rate', quick ? 20 : 200),
    signatureSeconds: number('signature-seconds', quick ? 2 : 10),
    sseConnections: number('sse', quick ? 200 : 10_000),
    bareSeconds: number('bare-seconds', quick ? 2 : 5),
    bareConcurrency: number('bare-concurrency', 100),
    cpuProfile: flag('cpu-prof'),
    workers,
    writeDocs: !quick && !flag('no-docs'),
  };
}
