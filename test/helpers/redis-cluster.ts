import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const run = promisify(execFile);

export interface LocalRedisCluster {
  nodes: { host: string; port: number }[];
  /** REDIS_CLUSTER_NODES for the service. */
  seeds: string;
  /** redis:// URL of the master serving `key`'s slot. */
  masterFor(key: string): Promise<string>;
  /** kill -9 of the master serving `key`'s slot; resolves with its port. */
  killMasterFor(key: string): Promise<number>;
  /** Resolves once a node other than `oldPort` is master of `key`'s slot and every live node agrees the cluster is ok. */
  promotedFor(key: string, oldPort: number): Promise<number>;
  stop(): Promise<void>;
}

/** Options of a fault test's cluster: replicas to promote, AOF, and settings that keep healthy masters writable. */
export interface LocalRedisClusterOptions {
  /** Replicas per master (0: three masters alone). */
  replicas?: number;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** kill -9 of redis-server processes the test started, then removes their directories. */
export async function stopRedisServers(processes: ChildProcess[], dirs: string[]): Promise<void> {
  await Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        }),
    ),
  );
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * Three cluster-enabled redis-server processes on free loopback ports, each in its own temp dir,
 * joined by `redis-cli --cluster create` into three masters without replicas.
 */
export async function startLocalRedisCluster(options: LocalRedisClusterOptions = {}): Promise<LocalRedisCluster> {
  const replicas = options.replicas ?? 0;
  const processes: ChildProcess[] = [];
  const byPort = new Map<number, ChildProcess>();
  const dirs: string[] = [];
  const nodes: { host: string; port: number }[] = [];
  const stop = () => stopRedisServers(processes, dirs);
  try {
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      const port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), `redis-cluster-${port}-`));
      dirs.push(dir);
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          replicas ? 'yes' : 'no',
          '--maxmemory-policy',
          'noeviction',
          // With replicas (a fault test): a failed master is noticed after 3 s, and while its replica is
          // promoted the other masters keep serving their slots.
          ...(replicas ? ['--cluster-node-timeout', '3000', '--cluster-require-full-coverage', 'no'] : []),
        ],
        { stdio: 'ignore' },
      );
      processes.push(child);
      byPort.set(port, child);
      nodes.push({ host: '127.0.0.1', port });
    }
    for (const { port } of nodes) await waitFor(`redis on ${port}`, async () => (await cli(port, 'ping')).trim() === 'PONG');
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    for (const { port } of nodes) {
      if (replicas)
        await waitFor(
          `replication settled on ${port}`,
          async () => !(await cli(port, 'info', 'replication')).includes('master_link_status:down'),
        );
      await waitFor(`cluster_state:ok on ${port}`, async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const live = () => nodes.filter((n) => byPort.get(n.port)?.exitCode === null && byPort.get(n.port)?.signalCode === null);
  const ownerOf = async (key: string, askPort: number) => {
    const slot = Number((await cli(askPort, 'cluster', 'keyslot', key)).trim());
    const ranges = JSON.parse(await cli(askPort, '--json', 'cluster', 'slots')) as [number, number, [string, number]][];
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner[2][1];
  };
  return {
    nodes,
    seeds: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    async masterFor(key: string) {
      return `redis://127.0.0.1:${await ownerOf(key, live()[0].port)}`;
    },
    async killMasterFor(key: string) {
      const port = await ownerOf(key, live()[0].port);
      const child = byPort.get(port)!;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      return port;
    },
    async promotedFor(key: string, oldPort: number) {
      let promoted = 0;
      await waitFor(
        'a replica to be promoted',
        async () => {
          const others = live();
          promoted = await ownerOf(key, others[0].port);
          if (promoted === oldPort || !(await cli(promoted, 'role')).startsWith('master')) return false;
          for (const { port } of others) if (!(await cli(port, 'cluster', 'info')).includes('cluster_state:ok')) return false;
          return true;
        },
        60_000,
      );
      return promoted;
    },
    stop,
  };
}
