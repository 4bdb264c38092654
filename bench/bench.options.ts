export interface BenchOptions {
  quick: boolean;
  redisUrl: string;
  intervalMs: number;
  /** Pending approvals held at each step of the poll ladder; the first step's creations measure create throughput. */
  steps: number[];
  createConcurrency: number;
  /** Approvals decided at random moments in each measurement window. */
  sample: number;
  windowMs: number;
  /** SSE connections held open in the SSE scale phase. */
  sseConnections: number;
  bareSeconds: number;
  bareConcurrency: number;
  cpuProfile: boolean;
  /** Extra ROLE=worker service processes started next to the ROLE=all one, on the same Redis prefix. */
  workers: number;
  /** Write the committed figures (docs/benchmark-latency.svg); off for --quick so CI leaves the tree clean. */
  writeDocs: boolean;
}

/** `npm run bench -- [--quick] [--steps=2000,5000] [--interval=1000] [--sse=10000] [--sample=300] [--window=8000] [--cpu-prof] [--workers=1]` */
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
  const workers = Number(value('workers') ?? 0);
  if (!Number.isInteger(workers) || workers < 0) throw new Error('--workers must be a whole number, 0 or more');
  const quick = flag('quick');
  const steps = value('steps')?.split(',').map(Number) ?? (quick ? [200] : [2000, 5000, 10000]);
  if (steps.some((n, i) => !Number.isInteger(n) || n <= 0 || (i > 0 && n <= steps[i - 1]))) throw new Error('--steps must be increasing positive integers');
  return {
    quick,
    // The one environment variable the bench honours, so that CI's Redis is the one measured.
    redisUrl: value('redis') ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    intervalMs: number('interval', quick ? 500 : 1000),
    steps,
    createConcurrency: 50,
    sample: number('sample', quick ? 100 : 300),
    windowMs: number('window', quick ? 3000 : 8000),
    sseConnections: number('sse', quick ? 200 : 10_000),
    bareSeconds: number('bare-seconds', quick ? 3 : 5),
    bareConcurrency: number('bare-concurrency', 100),
    cpuProfile: flag('cpu-prof'),
    workers,
    writeDocs: !quick && !flag('no-docs'),
  };
}
