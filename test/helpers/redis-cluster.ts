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
  stop(): Promise<void>;
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

/**
 * Three cluster-enabled redis-server processes on free loopback ports, each in its own temp dir,
 * joined by `redis-cli --cluster create` into three masters without replicas.
 */
export async function startLocalRedisCluster(): Promise<LocalRedisCluster> {
  const processes: ChildProcess[] = [];
  const dirs: string[] = [];
  const nodes: { host: string; port: number }[] = [];
  const stop = async () => {
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
  };
  try {
    for (let i = 0; i < 3; i++) {
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
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      processes.push(child);
      nodes.push({ host: '127.0.0.1', port });
    }
    for (const { port } of nodes) await waitFor(`redis on ${port}`, async () => (await cli(port, 'ping')).trim() === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const { port } of nodes) {
      await waitFor(`cluster_state:ok on ${port}`, async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nodes,
    seeds: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    async masterFor(key: string) {
      const slot = Number((await cli(nodes[0].port, 'cluster', 'keyslot', key)).trim());
      const ranges = JSON.parse(await cli(nodes[0].port, '--json', 'cluster', 'slots')) as [number, number, [string, number]][];
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!owner) throw new Error(`no master serves slot ${slot}`);
      return `redis://127.0.0.1:${owner[2][1]}`;
    },
    stop,
  };
}
