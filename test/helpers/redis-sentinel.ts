import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { until } from './eventually';
import { freePort } from './service-process';

const SLOW = { timeoutMs: 60_000, intervalMs: 100 };

/** Sends one command to the server on `port` over a throwaway connection. */
async function ask(port: number, ...args: (string | number)[]): Promise<unknown> {
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // A server not listening yet (while a deployment starts) rejects connect(): no need to log it again.
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    return await admin.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    admin.disconnect();
  }
}

/** INFO section `section` of the server on `port`, as fields. */
async function info(port: number, section: string): Promise<Record<string, string>> {
  const text = String(await ask(port, 'INFO', section));
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

/**
 * A Sentinel deployment of the test's own, from the installed redis-server: a master, one replica
 * and three sentinels (quorum 2) on free loopback ports, each in a temporary directory, with AOF on.
 * Every process is a child of the test and is stopped by its PID. `failover()` forces a failover
 * (SENTINEL FAILOVER); `killMaster()` is a kill -9 of the master's process, found by its port.
 */
export class LocalSentinel {
  readonly name = 'stepup';
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  /** redis-server processes by port (data nodes and sentinels). */
  private readonly servers = new Map<number, ChildProcess>();
  private readonly dataArgs = new Map<number, string[]>();
  readonly dataPorts: number[] = [];
  readonly sentinelPorts: number[] = [];

  /** REDIS_SENTINELS for the service. */
  get sentinels(): string {
    return this.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async start(): Promise<void> {
    const [master, replica] = [await freePort(), await freePort()];
    this.dataPorts.push(master, replica);
    await this.startData(master, []);
    await this.startData(replica, ['--replicaof', '127.0.0.1', String(master)]);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      this.sentinelPorts.push(port);
      const dir = join(this.dir, String(port));
      makeDir(dir);
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${this.name} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${this.name} 3000`,
          `sentinel failover-timeout ${this.name} 10000`,
          `sentinel parallel-syncs ${this.name} 1`,
          '',
        ].join('\n'),
      );
      this.servers.set(port, spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    }
    await this.settled();
  }

  /** The master the sentinels name now. */
  async masterPort(): Promise<number> {
    const [, port] = (await ask(this.sentinelPorts[0], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
    return Number(port);
  }

  /**
   * Resolves once every sentinel knows the others and the master, the master has its replica online
   * and the replica's link is up: before a fault, so that the replica can be promoted (one whose sync
   * has not finished cannot be).
   */
  async settled(): Promise<void> {
    await until(
      'the Sentinel deployment to settle',
      async () => {
        const master = await this.masterPort();
        const replica = this.dataPorts.find((p) => p !== master)!;
        const m = await info(master, 'replication');
        const r = await info(replica, 'replication');
        if (m.role !== 'master' || r.role !== 'slave' || r.master_link_status !== 'up' || !m.slave0?.includes('state=online'))
          return undefined;
        for (const s of this.sentinelPorts) {
          const fields = (await ask(s, 'SENTINEL', 'MASTER', this.name)) as string[];
          const f = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])));
          if (Number(f['port']) !== master || Number(f['num-slaves']) < 1 || Number(f['num-other-sentinels']) < 2) return undefined;
          if (String(f['flags']).includes('down')) return undefined;
        }
        return true;
      },
      SLOW,
    );
  }

  /** SENTINEL FAILOVER; resolves with the new master's port once the sentinels name it and it is a master. */
  async failover(): Promise<number> {
    const old = await this.masterPort();
    await ask(this.sentinelPorts[0], 'SENTINEL', 'FAILOVER', this.name);
    return this.promotedFrom(old);
  }

  /** kill -9 of the master's process; resolves with the killed port. */
  async killMaster(): Promise<number> {
    const port = await this.masterPort();
    const child = this.servers.get(port)!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.servers.delete(port);
    return port;
  }

  /** Resolves with the port of the master that replaced `old`, once the sentinels name it and it says so. */
  async promotedFrom(old: number): Promise<number> {
    return until(
      'a replica to be promoted',
      async () => {
        const port = await this.masterPort();
        if (port === old) return undefined;
        return (await info(port, 'replication')).role === 'master' ? port : undefined;
      },
      SLOW,
    );
  }

  /**
   * Freezes the replica (SIGSTOP) for the length of `during`, then lets it go on (SIGCONT): it stays
   * connected but acknowledges nothing, as a replica stuck behind a slow disk or network would.
   */
  async withReplicaFrozen<T>(during: () => Promise<T>): Promise<T> {
    const master = await this.masterPort();
    const replica = this.servers.get(this.dataPorts.find((p) => p !== master)!)!;
    replica.kill('SIGSTOP');
    try {
      return await during();
    } finally {
      replica.kill('SIGCONT');
    }
  }

  /** Starts a killed data node again from its AOF (the sentinels then make it a replica of the new master). */
  async restart(port: number): Promise<void> {
    await this.startData(port, this.dataArgs.get(port)!);
  }

  /** Stops every process this deployment started, by PID, and removes its files. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    this.servers.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startData(port: number, extra: string[]): Promise<void> {
    const dir = join(this.dir, String(port));
    makeDir(dir);
    this.dataArgs.set(port, extra);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        ...extra,
      ],
      { stdio: 'ignore' },
    );
    this.servers.set(port, child);
    await until('redis-server to answer', async () => ((await ask(port, 'PING')) === 'PONG' ? true : undefined), SLOW);
  }
}

function makeDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
