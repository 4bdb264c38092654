import { ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep } from './stats';

/** Linux reports process times in clock ticks; 100 per second on every mainstream kernel. */
const CLOCK_TICKS = 100;

export interface ServiceStartOptions {
  root: string;
  env: Record<string, string>;
  logFile: string;
  /** Where to write a CPU profile of the service when it stops (loads bench/cpu-profiler.js). */
  cpuProfileFile?: string;
}

/** The service under test: `node dist/main.js` as a child process, observed through /proc. */
export class ServiceProcess {
  private child?: ChildProcess;
  private logFd?: number;
  private exited?: Promise<void>;
  readonly url: string;

  private constructor(
    readonly port: number,
    private readonly options: ServiceStartOptions,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: ServiceStartOptions): Promise<ServiceProcess> {
    const service = new ServiceProcess(await freePort(), options);
    await service.spawn();
    return service;
  }

  /** The service's ROLE (api, worker or all); `all` unless the bench set it. */
  get role(): string {
    return this.options.env.ROLE ?? 'all';
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** User + system CPU seconds used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** Current (VmRSS) and peak (VmHWM) resident memory in bytes. */
  memory(): { rss: number; peakRss: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
  }

  /** Asks a running profiler (bench/cpu-profiler.ts) to write its profile now. */
  async writeProfile(): Promise<void> {
    if (!this.options.cpuProfileFile) return;
    this.child?.kill('SIGUSR2');
    await sleep(1500);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return this.closeLog();
    this.child.kill('SIGTERM');
    const killed = await Promise.race([this.exited!.then(() => false), sleep(15_000).then(() => true)]);
    if (killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    this.closeLog();
  }

  private async spawn(): Promise<void> {
    const { root, env, logFile, cpuProfileFile } = this.options;
    this.logFd = openSync(logFile, 'w');
    const args = cpuProfileFile
      ? ['-r', join(root, 'dist-bench/bench/cpu-profiler.js'), 'dist/main.js', `--cpu-profile-out=${cpuProfileFile}`]
      : ['dist/main.js'];
    // Only what the service needs (NODE_ENV and the rest come from the bench), so that nothing from
    // the calling shell changes what is measured.
    const childEnv = { PATH: process.env.PATH ?? '', PORT: String(this.port), ...env };
    this.child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['ignore', this.logFd, this.logFd] });
    this.exited = new Promise((resolve) => this.child!.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (!(await answers(this.url))) {
      if (this.child.exitCode !== null) throw new Error(`the service exited with code ${this.child.exitCode}; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`the service did not answer within 30 s; see ${logFile}`);
      await sleep(200);
    }
  }

  private closeLog(): void {
    if (this.logFd !== undefined) closeSync(this.logFd);
    this.logFd = undefined;
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/approvals/ready-check`, { method: 'GET', agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.setTimeout(2000, () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
