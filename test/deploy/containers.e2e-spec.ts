import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** `docker compose` (the v2 plugin) when present, else Debian's `docker-compose`; both parse without an engine. */
const composeCommand: string[] = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
})();

/** What scripts/compose-simulator sets: compose has no defaults for Recognize. */
const SIMULATOR_ENV = {
  NODE_ENV: 'development',
  RECOGNIZE_BASE_URL: 'http://recognize-simulator:4010/v2',
  RECOGNIZE_API_KEY: 'simulator-api-key',
};

function compose(args: string[], env: Record<string, string> = SIMULATOR_ENV): string {
  const [command, ...base] = composeCommand;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(RECOGNIZE_|SIMULATOR_|NODE_ENV$)/.test(name)));
  return execFileSync(command, [...base, ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** One service's block of `compose config` output (two-space indented YAML). */
function serviceBlock(resolved: string, name: string): string {
  const lines = resolved.split('\n');
  const start = lines.indexOf(`  ${name}:`, lines.indexOf('services:'));
  if (start < 0) throw new Error(`no service ${name} in:\n${resolved}`);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function composeFails(args: string[], env: Record<string, string>): string {
  try {
    compose(args, env);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error(`docker compose ${args.join(' ')} succeeded`);
}

describe('Containers (checked by parsing: no Docker engine runs here)', () => {
  // Debian's docker-compose (v1) lists the services of every profile whatever --profile says; the
  // Docker plugin (v2) lists those of the profiles asked for. What follows holds for both.
  it('has a compose file that parses, with Redis, the service and the simulator profile', () => {
    compose(['--profile', 'simulator', 'config', '-q']);
    expect(compose(['--profile', 'simulator', 'config', '--services']).trim().split('\n')).toEqual(
      expect.arrayContaining(['orchestrator', 'recognize-simulator', 'redis']),
    );
  });

  it('runs Redis with AOF and noeviction, and every long-running service with a healthcheck', () => {
    const resolved = compose(['--profile', 'simulator', 'config']);
    const redis = serviceBlock(resolved, 'redis');
    expect(redis).toMatch(/--appendonly[\s\S]*yes/);
    expect(redis).toMatch(/--maxmemory-policy[\s\S]*noeviction/);
    for (const service of ['redis', 'orchestrator', 'recognize-simulator'])
      expect(serviceBlock(resolved, service)).toMatch(/^\s+healthcheck:/m);
  });

  describe('the profile "cluster"', () => {
    const nodes = ['redis-cluster-1', 'redis-cluster-2', 'redis-cluster-3', 'redis-cluster-4', 'redis-cluster-5', 'redis-cluster-6'];
    const resolved = () => compose(['--profile', 'cluster', 'config']);

    it('runs six cluster nodes that keep data, never evict, keep healthy masters writable and refuse writes without a replica', () => {
      const config = resolved();
      for (const node of nodes) {
        const block = serviceBlock(config, node);
        for (const [flag, value] of [
          ['--cluster-enabled', 'yes'],
          ['--cluster-require-full-coverage', 'no'],
          ['--appendonly', 'yes'],
          ['--maxmemory-policy', 'noeviction'],
          ['--min-replicas-to-write', '1'],
        ])
          expect(block).toMatch(new RegExp(`- ${flag}\\n\\s+- ['"]?${value}['"]?\\n`));
        expect(block).toMatch(/^\s+healthcheck:/m);
        expect(block).toMatch(/^\s+- cluster$/m);
      }
    });

    it('forms the cluster with scripts/redis-cluster-init once every node is healthy, from the announced addresses', () => {
      const config = resolved();
      const init = serviceBlock(config, 'redis-cluster-init');
      expect(init).toMatch(/scripts\/redis-cluster-init:\/redis-cluster-init:ro/);
      for (const node of nodes) expect(init).toMatch(new RegExp(`${node}:\\n\\s+condition: service_healthy`));
      const addresses = nodes.map((node) => /ipv4_address: (\S+)/.exec(serviceBlock(config, node))?.[1]);
      expect(new Set(addresses).size).toBe(6);
      for (const address of addresses) expect(init).toContain(`${address}:6379`);
    });

    it('starts the service on the formed cluster with a plain prefix over 16 shards, beside the single-Redis service', () => {
      const config = resolved();
      const service = serviceBlock(config, 'orchestrator-cluster');
      expect(service).toMatch(/redis-cluster-init:\n\s+condition: service_completed_successfully/);
      const seeds = /REDIS_CLUSTER_NODES: (\S+)/.exec(service)?.[1].split(',') ?? [];
      expect(seeds).toHaveLength(6);
      expect(service).toMatch(/REDIS_PREFIX: ['"]?stepup['"]?\n/);
      expect(service).toMatch(/REDIS_SHARDS: ['"]?16['"]?\n/);
      expect(service).toMatch(/target: 3000/);
      expect(service).toMatch(/published: "?3001"?\n/);
      expect(serviceBlock(config, 'orchestrator')).toMatch(/published: "?3000"?\n/);
    });
  });

  it('builds in stages and runs as a non-root user with production dependencies only', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toMatch(/npm ci[^\n]*--omit=dev/);
  });

  it('runs every stage on one pinned Node LTS image, 24 or later', () => {
    const froms = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM (\S+) AS (\S+)/gm)];
    const stages = new Set(froms.map((m) => m[2]));
    const images = froms.map((m) => m[1]).filter((image) => !stages.has(image));
    expect(new Set(images).size).toBe(1);
    const [, major] = /^node:(\d+)\.\d+\.\d+-[a-z]+-slim$/.exec(images[0]) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(24);
  });

  it('leaves the simulator and the demo phone out of the runtime image, which is the last stage', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    // Instructions only: a comment above a FROM belongs to the next stage, not to the one it ends.
    const instructions = dockerfile.replace(/^#.*\n/gm, '');
    const stages = instructions.split(/^(?=FROM )/m).filter((stage) => stage.startsWith('FROM '));
    const named = (name: string) => stages.find((stage) => new RegExp(`^FROM \\S+ AS ${name}\\b`).test(stage)) ?? '';
    // The default target is the last stage: runtime, built on the service stage alone.
    expect(stages[stages.length - 1].trim()).toBe('FROM service AS runtime');
    expect(named('build')).toMatch(/npm run build && mv dist\/simulator \S+ && mv dist\/demo\/phone \S+/);
    expect(named('service')).toMatch(/COPY --from=build \S+ \/app\/dist \.\/dist/);
    expect(named('service')).not.toMatch(/simulator|phone/i);
  });

  it('refuses to start without RECOGNIZE_BASE_URL and RECOGNIZE_API_KEY: no defaults, not even to the simulator', () => {
    const raw = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    for (const name of ['RECOGNIZE_BASE_URL', 'RECOGNIZE_API_KEY']) {
      expect(raw).not.toMatch(new RegExp(`\\$\\{${name}:?-`));
      expect(raw).toMatch(new RegExp(`^\\s+${name}: \\$\\{${name}:\\?`, 'm'));
      const env: Record<string, string> = { ...SIMULATOR_ENV, NODE_ENV: 'production' };
      delete env[name];
      expect(composeFails(['config', '-q'], env)).toContain(name);
    }
  });

  it('publishes no simulator port and keeps the simulator on an internal network only', () => {
    const resolved = compose(['--profile', 'simulator', 'config']);
    const simulator = serviceBlock(resolved, 'recognize-simulator');
    expect(simulator).not.toMatch(/^\s+ports:/m);
    expect(simulator).toMatch(/^\s+networks:\n\s+recognize-simulator:[^\n]*$/m);
    expect(simulator).not.toMatch(/^\s+default:/m);
    expect(resolved).toMatch(/^ {2}recognize-simulator:\n {4}internal: true$/m);
  });
});
