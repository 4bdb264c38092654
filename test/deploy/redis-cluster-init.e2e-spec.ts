import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopRedisServers } from '../helpers/redis-cluster';
import { freePort } from '../helpers/service-process';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'scripts', 'redis-cluster-init');

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args])).stdout;
}

/**
 * scripts/redis-cluster-init is what the compose profile "cluster" runs once its six nodes are up;
 * here it runs against six cluster-enabled redis-servers on loopback, as it would in its container.
 */
describe('scripts/redis-cluster-init', () => {
  const ports: number[] = [];
  const processes: ChildProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), `redis-cluster-init-${port}-`));
      ports.push(port);
      dirs.push(dir);
      processes.push(
        spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--dir', dir, '--save', '', '--appendonly', 'no'],
          { stdio: 'ignore' },
        ),
      );
    }
  });

  afterAll(() => stopRedisServers(processes, dirs));

  const nodes = () => ports.map((port) => `127.0.0.1:${port}`);

  it('refuses fewer than six nodes, saying how many it needs', async () => {
    const refused = await run(script, nodes().slice(0, 3)).catch((err: { code: number; stderr: string }) => err);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('at least 6') });
  });

  it('forms three masters with a synced replica each, and run again changes nothing', async () => {
    const first = await run(script, nodes(), { env: { ...process.env, REDIS_CLUSTER_INIT_TIMEOUT: '60' } });
    expect(first.stdout).toContain('redis-cluster-init: ready (6 nodes)');

    const roles = await Promise.all(ports.map(async (port) => (await cli(port, 'info', 'replication')).match(/^role:(\w+)/m)?.[1]));
    expect(roles.filter((role) => role === 'master')).toHaveLength(3);
    expect(roles.filter((role) => role === 'slave')).toHaveLength(3);
    for (const port of ports) {
      expect(await cli(port, 'cluster', 'info')).toMatch(/^cluster_state:ok/m);
      const replication = await cli(port, 'info', 'replication');
      if (replication.includes('role:slave')) expect(replication).toMatch(/^master_link_status:up/m);
    }
    const ids = await Promise.all(ports.map((port) => cli(port, 'cluster', 'myid')));

    const again = await run(script, nodes());
    expect(again.stdout).toContain('redis-cluster-init: formed already');
    expect(again.stdout).toContain('redis-cluster-init: ready (6 nodes)');
    expect(await Promise.all(ports.map((port) => cli(port, 'cluster', 'myid')))).toEqual(ids);
  });
});
